package cldr

import "testing"

func TestCompile(t *testing.T) {
	tests := []struct {
		pattern, allowed, want string // want "" for an error
	}{
		{"EEEE, d MMMM 'del' y", dateFields, "weekday|, |day1| |month| del |year"},
		{"H 'h' mm", clockFields, "hour231| h |minute2"},
		{"h:mm – h:mm a", clockFields, "hour121|:|minute2| – |>hour121|:|>minute2| |>dayPeriod"},
		{"'o''clock' h", clockFields, "o'clock |hour121"},
		{"''h", clockFields, "'|hour121"},
		{"HH:mm", dateFields, ""},
		{"EEE", dateFields, ""},
		{"yy", dateFields, ""},
		{"G y", dateFields, ""},
		{"h 'unterminated", clockFields, ""},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			p, err := compile(tt.pattern, tt.allowed)
			got := describe(p)
			if err != nil {
				got = ""
			}
			if got != tt.want {
				t.Errorf("compile(%q) = %q (%v), want %q", tt.pattern, got, err, tt.want)
			}
		})
	}
}

// describe spells p out as "literal|field…", ">" marking the end of a range.
func describe(p pattern) string {
	names := [...]string{"", "weekday", "day", "month", "year", "hour12", "hour23", "hour11", "hour24", "minute", "dayPeriod"}
	s := ""
	for i, op := range p {
		if i > 0 {
			s += "|"
		}
		if op.end {
			s += ">"
		}
		switch op.field {
		case literal:
			s += op.text
		case day, hour12, hour23, hour11, hour24, minute:
			s += names[op.field] + string(rune('0'+op.width))
		default:
			s += names[op.field]
		}
	}
	return s
}
