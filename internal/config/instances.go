package config

import "time"

// Instances is the decoded instances file.
type Instances struct {
	// File is the path the instances were read from, for messages.
	File      string               `toml:"-"`
	Instances map[string]*Instance `toml:"instances"`
	// State is the ledger's path (state = "/var/lib/announce/ledger.db"),
	// relative to the working directory like every path here; --state and
	// ANNOUNCE_STATE win over it (see ReadState).
	State string `toml:"state"`

	pos positions // key → line, for the planner's messages
}

// Instance is one OFN instance: its people, language, zone and servers.
type Instance struct {
	Key        string   `toml:"-"` // the table name, e.g. "katuma"
	Name       string   `toml:"name"`
	TimeZone   Zone     `toml:"timezone"`
	Locales    []string `toml:"locales"`
	From       string   `toml:"from"`
	Recipients string   `toml:"-"` // the CSV file, or the name cli gives the database source
	Support    Support  `toml:"support"`
	// ShowUTC adds UTC times next to local ones, for instances whose users
	// live in several zones (Canada, the US, Australia).
	ShowUTC bool `toml:"show_utc"`

	// QuietHours: announce and reminder emails due inside them wait for
	// their end (default 21:00–08:00 local).
	QuietHours *QuietHours `toml:"quiet_hours"`

	BusyWeekdays []Weekday  `toml:"busy_weekdays"`
	Blackouts    []Blackout `toml:"blackouts"`
	// MinNoticeDays is the least number of calendar days between the first
	// email about a window and its start (default DefaultMinNoticeDays).
	MinNoticeDays *int `toml:"min_notice_days"`

	SMTP  *SMTP  `toml:"smtp"`
	IMAP  *IMAP  `toml:"imap"`
	Forum *Forum `toml:"forum"`

	// RecipientsSource is what the file says under `recipients`: a CSV
	// file, or the instance's database.
	RecipientsSource RecipientsSource `toml:"recipients"`
	// DKIM, when set, signs every message (see dkim.go).
	DKIM *DKIM `toml:"dkim"`
}

// Database is the instance's OFN database, nil when its recipients are a file.
func (i *Instance) Database() *Database { return i.RecipientsSource.Database }

// DefaultLocale is the instance's first locale, used when a recipient gives
// none or one the instance does not offer.
func (i *Instance) DefaultLocale() string { return i.Locales[0] }

// Location is the instance's time zone.
func (i *Instance) Location() *time.Location { return i.TimeZone.Location }

// Support is how users reach a person.
type Support struct {
	Email string `toml:"email"`
	URL   string `toml:"url"`
	Hours *Hours `toml:"hours"`
	// AfterDays asks support to be on hand after a window: the rest of the
	// day it ends and the next AfterDays working days (Monday–Friday). Unset:
	// only during the window.
	AfterDays *int `toml:"after_days"`
}

// Hours is when support answers, in the instance's zone.
type Hours struct {
	Days []Weekday `toml:"days"`
	From ClockTime `toml:"from"`
	To   ClockTime `toml:"to"`
}

// Blackout is a period in which no window may be planned: dated (From/Until),
// weekly (Weekday with At and a margin Before it) or one-off (Date with At
// and a margin Before it: a hub's single order-cycle close).
type Blackout struct {
	Reason  string        `toml:"reason"`
	From    LocalDateTime `toml:"from"`
	Until   LocalDateTime `toml:"until"`
	Weekday *Weekday      `toml:"weekday"`
	Date    *LocalDate    `toml:"date"`
	At      *ClockTime    `toml:"at"`
	Before  Duration      `toml:"before"`
}

// Secret names where a secret lives: an environment variable or a file. The
// secret itself never appears in a config file.
type Secret struct {
	Env  string
	File string
}

// SMTP is an instance's outgoing mail server.
type SMTP struct {
	Host         string `toml:"host"`
	Port         int    `toml:"port"`
	TLS          string `toml:"tls"`  // starttls (default), tls, none (loopback only); any case
	Auth         string `toml:"auth"` // mailer.AuthMechanisms or none; plain when unset with a username
	Username     string `toml:"username"`
	PasswordEnv  string `toml:"password_env"`
	PasswordFile string `toml:"password_file"`
	CAFile       string `toml:"ca_file"`
	// ReturnPath is the envelope sender, where bounces go; From when empty.
	ReturnPath string `toml:"return_path"`
	// UnsubscribeURL and UnsubscribeMailto feed List-Unsubscribe.
	UnsubscribeURL    string `toml:"unsubscribe_url"`
	UnsubscribeMailto string `toml:"unsubscribe_mailto"`
	// UnsubscribeKeyEnv or UnsubscribeKeyFile name the secret that makes
	// each recipient's unsubscribe token (required with UnsubscribeURL).
	UnsubscribeKeyEnv  string `toml:"unsubscribe_key_env"`
	UnsubscribeKeyFile string `toml:"unsubscribe_key_file"`

	// Connections is how many messages go out at once, each over its own
	// reused connection (default 4).
	Connections int `toml:"connections"`
	// RatePerSecond and RatePerHour cap the sending rate (0: no cap), as
	// relays such as Gmail or SES require.
	RatePerSecond float64 `toml:"rate_per_second"`
	RatePerHour   int     `toml:"rate_per_hour"`
	// Attempts is how often a temporary failure (4xx, network) is tried
	// before it is recorded as failed for a later run (default 5).
	Attempts int `toml:"attempts"`
	// Timeout bounds each connection step (default 30s).
	Timeout Duration `toml:"timeout"`
	// DataTimeout bounds the wait for the reply to a whole message (default
	// 10m, RFC 5321 §4.5.3.2.6); without one the message is uncertain.
	DataTimeout Duration `toml:"data_timeout"`
	// BreakAfter: the same refusal for this many recipients in a row stops
	// the run as the server's (default 10; -1: never).
	BreakAfter int `toml:"break_after"`
	// HELO is the name announced to the server (default: the host name).
	HELO string `toml:"helo"`
}

// Password names where the SMTP password lives.
func (s *SMTP) Password() Secret { return Secret{Env: s.PasswordEnv, File: s.PasswordFile} }

// IMAP is an instance's support inbox.
type IMAP struct {
	Host         string `toml:"host"`
	Port         int    `toml:"port"`
	TLS          string `toml:"tls"` // tls (default) or starttls
	Username     string `toml:"username"`
	PasswordEnv  string `toml:"password_env"`
	PasswordFile string `toml:"password_file"`
	CAFile       string `toml:"ca_file"`
	Mailbox      string `toml:"mailbox"`
}

// Password names where the IMAP password lives.
func (i *IMAP) Password() Secret { return Secret{Env: i.PasswordEnv, File: i.PasswordFile} }

// Forum is an instance's Discourse community.
type Forum struct {
	URL         string `toml:"url"`
	Category    string `toml:"category"`
	APIUsername string `toml:"api_username"`
	APIKeyEnv   string `toml:"api_key_env"`
	APIKeyFile  string `toml:"api_key_file"`
	// Language is "default" (the instance's default locale, the default) or
	// "all" (every locale the instance offers, in one post).
	Language string `toml:"language"`
}

// APIKey names where the Discourse API key lives.
func (f *Forum) APIKey() Secret { return Secret{Env: f.APIKeyEnv, File: f.APIKeyFile} }
