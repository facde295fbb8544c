package config

import (
	"cmp"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// LoadInstances reads and validates the instances file.
func LoadInstances(path string) (*Instances, error) {
	var c Instances
	ps, err := decodeStrict(path, &c)
	if err != nil {
		return nil, err
	}
	c.File, c.pos = path, ps.pos
	c.validate(ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return &c, nil
}

// LoadSchedule reads and validates the schedule file against the instances.
func LoadSchedule(path string, inst *Instances) (*Schedule, error) {
	var s Schedule
	ps, err := decodeStrict(path, &s)
	if err != nil {
		return nil, err
	}
	s.File, s.pos = path, ps.pos
	s.validate(ps, inst)
	slices.SortFunc(s.Warnings, func(a, b *Problem) int { return cmp.Or(a.Line-b.Line, strings.Compare(a.Key, b.Key)) })
	if err := ps.err(); err != nil {
		return nil, err
	}
	return &s, nil
}

// decodeStrict decodes path into v. A syntax or type error is returned at once;
// unknown keys are collected as problems, so validation can add its own and
// the user sees every problem in one run.
func decodeStrict(path string, v any) (*problems, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &Problem{File: path, Msg: fmt.Sprintf("cannot read: %v", unwrapPathErr(err))}
	}
	md, err := toml.Decode(string(src), v)
	if err != nil {
		return nil, decodeError(path, err)
	}
	pos := scanPositions(string(src))
	ps := &problems{file: path, pos: pos}
	for _, k := range md.Undecoded() {
		key := k.String()
		if md.Type(k...) == "Hash" && hasUndecodedChild(md, key) {
			continue // its children are reported instead
		}
		switch last := k[len(k)-1]; last {
		case "key", "private_key":
			ps.add(key, "secrets do not belong in the config file; name the file that holds it (key_file) instead")
		case "password", "api_key", "secret", "token", "unsubscribe_key":
			ps.add(key, "secrets do not belong in the config file; name an environment variable (%s_env) or a file (%s_file) instead", last, last)
		default:
			ps.add(key, "unknown key")
		}
	}
	return ps, nil
}

func hasUndecodedChild(md toml.MetaData, prefix string) bool {
	for _, k := range md.Undecoded() {
		if s := k.String(); strings.HasPrefix(s, prefix+".") {
			return true
		}
	}
	return false
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

var keyRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

func (c *Instances) validate(ps *problems) {
	if len(c.Instances) == 0 {
		ps.add("instances", "no instances defined (want [instances.<key>] tables)")
	}
	for key, in := range c.Instances {
		in.Key = key
		p := "instances." + key
		if !keyRE.MatchString(key) {
			ps.add(p, "instance key must be lower-case letters, digits, - or _")
		}
		if in.Name == "" {
			ps.add(p, "missing required key %q", "name")
		}
		if in.TimeZone.Location == nil {
			ps.add(p, "missing required key %q", "timezone")
		}
		if len(in.Locales) == 0 {
			ps.add(p, "missing required key %q (locales in order of preference, the first is the default)", "locales")
		}
		for i, l := range in.Locales {
			if !localeRE.MatchString(l) {
				ps.add(p+".locales", "locale %d %q is not a language tag like \"es\", \"fr_BE\" or \"en-CA\"", i+1, l)
			}
		}
		if in.From == "" {
			ps.add(p, "missing required key %q", "from")
		} else if _, err := mail.ParseAddress(in.From); err != nil {
			ps.add(p+".from", "bad address %q: %v", in.From, err)
		}
		in.Recipients = in.RecipientsSource.File
		if in.Recipients == "" && in.Database() == nil {
			ps.add(p, "missing required key %q (e.g. \"recipients/%s.csv\", or an [instances.%s.recipients] table naming its database)", "recipients", key, key)
		}
		in.RecipientsSource.validate(ps, p+".recipients")
		in.Support.validate(ps, p+".support")
		if in.SMTP != nil {
			in.SMTP.validate(ps, p+".smtp")
		}
		if in.IMAP != nil {
			in.IMAP.validate(ps, p+".imap")
		}
		if in.Forum != nil {
			in.Forum.validate(ps, p+".forum")
		}
		if in.DKIM != nil {
			in.DKIM.validate(ps, p+".dkim")
		}
		in.validateMailto(ps, p)
		for i, b := range in.Blackouts {
			b.validate(ps, fmt.Sprintf("%s.blackouts.%d", p, i))
		}
		in.validatePlan(ps, p)
	}
}

var localeRE = regexp.MustCompile(`^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$`)

func (s *Support) validate(ps *problems, p string) {
	if s.Email == "" {
		ps.add(p, "missing required key %q (where users write for help)", "email")
	} else if a, err := mail.ParseAddress(s.Email); err != nil || a.Name != "" {
		ps.add(p+".email", "bad address %q (want a bare address like info@katuma.test)", s.Email)
	}
	if s.URL != "" {
		checkURL(ps, p+".url", s.URL)
	}
	if s.Hours != nil {
		if len(s.Hours.Days) == 0 {
			ps.add(p+".hours", "missing required key %q", "days")
		}
		if s.Hours.To.Hour*60+s.Hours.To.Minute <= s.Hours.From.Hour*60+s.Hours.From.Minute {
			ps.add(p+".hours", "\"to\" (%s) must be after \"from\" (%s)", s.Hours.To, s.Hours.From)
		}
	}
}

func (b *Blackout) validate(ps *problems, p string) {
	if b.Date != nil {
		b.validateOneOff(ps, p)
		return
	}
	dated := !b.From.IsZero() || !b.Until.IsZero()
	weekly := b.Weekday != nil || b.At != nil
	switch {
	case dated && weekly:
		ps.add(p, "a blackout is either dated (from, until) or weekly (weekday, at, before), not both")
	case dated:
		if b.From.IsZero() || b.Until.IsZero() {
			ps.add(p, "a dated blackout needs both \"from\" and \"until\"")
		} else if b.Until.String() <= b.From.String() {
			ps.add(p+".until", "must be after \"from\"")
		}
	case weekly:
		if b.Weekday == nil || b.At == nil {
			ps.add(p, "a weekly blackout needs both \"weekday\" and \"at\"")
		}
	default:
		ps.add(p, "empty blackout (give from/until, or weekday/at/before)")
	}
}

func (s *SMTP) validate(ps *problems, p string) {
	if problem, meant, ok := ofnTLS(s.TLS, s.Port); ok {
		ps.add(p+".tls", "%s", problem)
		s.TLS = meant // reported once; the mailer's checks below see what was meant
	}
	s.validateServer(ps, p)
	if s.Auth != "none" {
		checkSecret(ps, p, "password", s.PasswordEnv, s.PasswordFile)
	}
	for _, a := range []struct{ key, val string }{{"return_path", s.ReturnPath}, {"unsubscribe_mailto", s.UnsubscribeMailto}} {
		if a.val != "" {
			if _, err := mail.ParseAddress(a.val); err != nil {
				ps.add(p+"."+a.key, "bad address %q: %v", a.val, err)
			}
		}
	}
	if s.UnsubscribeURL != "" {
		checkURL(ps, p+".unsubscribe_url", s.UnsubscribeURL)
	}
	s.validateUnsubscribe(ps, p)
	switch {
	case s.Connections == 0:
		s.Connections = 4
	case s.Connections < 0 || s.Connections > 64:
		ps.add(p+".connections", "connections %d out of range 1–64", s.Connections)
	}
	if s.RatePerSecond < 0 {
		ps.add(p+".rate_per_second", "must not be negative")
	}
	if s.RatePerHour < 0 {
		ps.add(p+".rate_per_hour", "must not be negative")
	}
	switch {
	case s.Attempts == 0:
		s.Attempts = 5
	case s.Attempts < 0:
		ps.add(p+".attempts", "must be at least 1")
	}
	// data_timeout's default and sign are the mailer's (validateServer);
	// below a second is an operator's slip, not a server's scan time.
	if d := s.DataTimeout.Duration; d > 0 && d < time.Second {
		ps.add(p+".data_timeout", "%s is too short (RFC 5321 asks for 10m)", d)
	}
	switch {
	case s.BreakAfter == 0:
		s.BreakAfter = 10
	case s.BreakAfter < -1:
		ps.add(p+".break_after", "must be at least 1, or -1 for never")
	}
}

func (m *IMAP) validate(ps *problems, p string) {
	m.validateServer(ps, p)
	if m.Mailbox == "" {
		m.Mailbox = "INBOX"
	}
	checkSecret(ps, p, "password", m.PasswordEnv, m.PasswordFile)
}

func (f *Forum) validate(ps *problems, p string) {
	if f.URL == "" {
		ps.add(p, "missing required key %q", "url")
	} else {
		checkURL(ps, p+".url", f.URL)
		// As the forum client will (forum.parseBase): the API key must not
		// cross the network in clear.
		if u, err := url.Parse(f.URL); err == nil && u.Scheme == "http" && u.Host != "" && !isLoopback(u.Hostname()) {
			ps.add(p+".url", "%q must be https: the API key would cross the network in clear (http is allowed only to a loopback host)", f.URL)
		}
	}
	if f.Category == "" {
		ps.add(p, "missing required key %q", "category")
	}
	if f.APIUsername == "" {
		ps.add(p, "missing required key %q", "api_username")
	}
	checkSecret(ps, p, "api_key", f.APIKeyEnv, f.APIKeyFile)
	switch f.Language {
	case "":
		f.Language = "default"
	case "default", "all":
	default:
		ps.add(p+".language", "unknown language %q (want \"default\" or \"all\")", f.Language)
	}
}

func checkSecret(ps *problems, p, name, env, file string) {
	switch {
	case env == "" && file == "":
		ps.add(p, "missing %s_env or %s_file (the name of an environment variable or file holding the %s)", name, name, name)
	case env != "" && file != "":
		ps.add(p+"."+name+"_file", "give %s_env or %s_file, not both", name, name)
	}
}

func checkURL(ps *problems, key, s string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		ps.add(key, "bad URL %q (want https://…)", s)
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Schedule) validate(ps *problems, inst *Instances) {
	if s.Campaign == "" {
		ps.add("campaign", "missing required key %q (a stable id for this rollout, e.g. \"ofn-v2-2019\")", "campaign")
	} else if !keyRE.MatchString(s.Campaign) {
		ps.add("campaign", "campaign id %q must be lower-case letters, digits, - or _ (it appears in Message-IDs)", s.Campaign)
	}
	if s.Release == "" {
		ps.add("release", "missing required key %q (what is deployed, e.g. \"v2.0.0\")", "release")
	}
	if len(s.Windows) == 0 {
		ps.add("windows", "no windows defined (want [windows.<instance>] tables)")
	}
	for key, w := range s.Windows {
		w.Instance = key
		p := "windows." + key
		in, ok := inst.Instances[key]
		if !ok {
			ps.add(p, "no instance %q in %s", key, inst.File)
			continue
		}
		if w.Start.IsZero() {
			ps.add(p, "missing required key %q (local time in %s, e.g. 2019-05-07T09:00:00)", "start", in.Location())
		} else if t, ambiguous, err := w.Start.Resolve(in.Location()); err != nil {
			ps.add(p+".start", "%v", err)
		} else {
			w.start = t
			if ambiguous != "" {
				s.Warnings = append(s.Warnings, &Problem{File: s.File, Line: ps.pos.line(p + ".start"), Key: p + ".start", Msg: ambiguous})
			}
		}
		if w.Duration.Duration <= 0 {
			ps.add(p, "missing required key %q (expected length, e.g. \"2h\")", "duration")
		}
		if len(w.Notices) == 0 {
			w.Notices = slices.Clone(Notices)
		}
		for _, n := range w.Notices {
			if n == Reschedule || n == Cancel {
				ps.add(p+".notices", "%s is sent when the window changes, not listed in notices", n)
			}
		}
		checkSendRules(ps, p+".send", w.Send)
		s.validateWindowPlan(ps, p, w)
	}
	checkSendRules(ps, "send", s.Send)
	checkManualEarly(ps, s.ManualEarly)
	s.validatePlan(ps)
}

func checkSendRules(ps *problems, p string, rules map[string]SendRule) {
	for name, r := range rules {
		n, err := ParseNotice(name)
		if err != nil {
			ps.add(p+"."+name, "%v", err)
			continue
		}
		switch n {
		case Announce, Reminder:
			if r.DaysBefore < 0 || r.After.Duration != 0 {
				ps.add(p+"."+name, "%s takes days_before (0 or more) and at, not after", n)
			}
		case Start, Done:
			if r.DaysBefore != 0 || r.At != nil {
				ps.add(p+"."+name, "%s takes after (a duration), not days_before or at", n)
			}
		}
	}
}

// Window returns the schedule's window for instance key.
func (s *Schedule) Window(key string) (*Window, bool) {
	w, ok := s.Windows[key]
	return w, ok
}

// Keys returns the instance keys, sorted.
func (c *Instances) Keys() []string {
	keys := make([]string, 0, len(c.Instances))
	for k := range c.Instances {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
