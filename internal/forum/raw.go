package forum

import "strings"

// discourseSpaces are the characters TextCleaner.normalize_whitespaces
// (lib/text_cleaner.rb) turns into a plain space.
var discourseSpaces = strings.NewReplacer(
	"\u00A0", " ", "\u1680", " ", "\u180E", " ",
	"\u2000", " ", "\u2001", " ", "\u2002", " ", "\u2003", " ", "\u2004", " ", "\u2005", " ",
	"\u2006", " ", "\u2007", " ", "\u2008", " ", "\u2009", " ", "\u200A", " ",
	"\u2028", " ", "\u2029", " ", "\u202F", " ", "\u205F", " ", "\u3000", " ",
)

// NormalizeRaw is raw as Discourse stores it: PostCreator and PostRevisor
// replace no-break and other unusual spaces with a plain space
// (TextCleaner.normalize_whitespaces, so French "10 h" with U+202F comes
// back with U+0020) and strip trailing white space (Ruby's rstrip). Compare
// NormalizeRaw(rendered) with Post.Raw to know whether a post needs an
// edit; comparing the rendered text itself would edit it on every run.
func NormalizeRaw(raw string) string {
	return strings.TrimRight(discourseSpaces.Replace(raw), " \t\n\v\f\r\x00")
}
