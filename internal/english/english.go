// Package english writes announce's own command-line messages that count
// something — "1 problem", "2 problems" — from an English go-i18n message
// file (messages/en.toml) with CLDR's plural forms. The notices' languages
// are render's and locales/; the CLI speaks English only.
package english

import (
	"embed"
	"fmt"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed messages/en.toml
var messageFiles embed.FS

// cliMessages is the English bundle of the CLI's own counted words.
var cliMessages = sync.OnceValue(func() *i18n.Localizer {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	if _, err := b.LoadMessageFileFS(messageFiles, "messages/en.toml"); err != nil {
		panic(err) // embedded: a test loads it
	}
	return i18n.NewLocalizer(b, "en")
})

// Count writes n and the word id in its plural form: "1 problem", "2 problems".
func Count(id string, n int) string {
	s, err := cliMessages().Localize(&i18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: map[string]any{"Count": n}})
	if err != nil {
		return fmt.Sprintf("%d %s", n, id) // an id missing from messages/en.toml: a test catches it
	}
	return s
}
