// Package config reads dondoc's configuration from the environment. Every
// key is documented in .env.example and the README; secrets never reach a
// log (see LogValue).
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/internal/hooksecret"
)

// Config is every setting dondoc reads. Load fills it; nothing else reads
// the environment.
type Config struct {
	DatabaseURL string         // DATABASE_URL: a SQLite file path or sqlite:// URL, or postgres://
	Location    *time.Location // DONDOC_TZ
	LogLevel    slog.Level     // LOG_LEVEL
	LogFormat   string         // LOG_FORMAT: text|json
	Now         time.Time      // DONDOC_NOW: fixed clock (zero: the real clock)

	CutoffHour, CutoffMinute int // DONDOC_CUTOFF (HH:MM, default 15:00)
	DueSoonDays              int // DONDOC_DUE_SOON_DAYS (default 2)
	// SupplementClock is SUPPLEMENT_CLOCK: "pause" (default: the export's
	// due date is the original one; supplement waits move the deadline) or
	// "reset" (the vendor's system already moved the due date). It maps to
	// models.SupplementClock.
	SupplementClock string
	// SupplementExcess is SUPPLEMENT_EXCESS: which dossiers indicator 2.1's
	// "more than one supplement request counts as overdue" reaches: "all"
	// (default, the rule book: every dossier in scope) or "waiting" (the
	// formula text: only a dossier not ended when judged). It maps to
	// models.ExcessRule.
	SupplementExcess string

	HTTPAddr    string // HTTP_ADDR (default :8080)
	IngestToken string // INGEST_TOKEN (secret)
	// PublicURL is PUBLIC_URL, the server's public base URL: links to
	// /cong-khai/ and the upload links of /tailen (empty: /tailen is off).
	PublicURL string

	TelegramToken          string // TELEGRAM_BOT_TOKEN (secret)
	TelegramAPIEndpoint    string // TELEGRAM_API_ENDPOINT (format https://host/bot%s/%s)
	TelegramWebhookURL     string // TELEGRAM_WEBHOOK_URL (empty: long polling)
	TelegramWebhookSecret  string // TELEGRAM_WEBHOOK_SECRET (secret; generated when empty)
	TelegramRatePerSecond  float64
	TelegramRatePerChat    float64 // messages per second per chat
	TelegramGroupPerMinute int

	ZaloToken        string // ZALO_BOT_TOKEN (secret)
	ZaloAPIBase      string // ZALO_API_BASE
	ZaloGroupsEnable bool   // ZALO_GROUPS
	// ZaloWebhookURL selects webhook mode (ZALO_WEBHOOK_URL): HTTPS, or
	// HTTP to a loopback host; empty means long polling.
	ZaloWebhookURL string
	// ZaloWebhookSecret is ZALO_WEBHOOK_SECRET (secret), 8–256 printable
	// characters; generated and kept in the database when empty.
	ZaloWebhookSecret string
	// ZaloRatePerSecond and ZaloRatePerChat are the Zalo pace
	// (ZALO_RATE_PER_SECOND, ZALO_RATE_PER_CHAT): Zalo publishes no
	// numbers, so these are conservative defaults (10 and 1).
	ZaloRatePerSecond, ZaloRatePerChat float64

	// The Zalo Official Account channel (optional; on when the app id is
	// set): ZALO_OA_APP_ID, ZALO_OA_SECRET_KEY (secret), the first
	// ZALO_OA_REFRESH_TOKEN (secret; later ones are kept in the database),
	// ZALO_OA_WEBHOOK_KEY (secret; the OA secret key of the webhook
	// signature when Zalo shows one other than the app's, default
	// ZALO_OA_SECRET_KEY), ZALO_OA_API_BASE, ZALO_OA_OAUTH_BASE and
	// ZALO_OA_WEBHOOK_PATH (where serve mounts the OA's webhook).
	ZaloOAAppID, ZaloOASecretKey, ZaloOARefreshToken, ZaloOAWebhookKey string
	ZaloOAAPIBase, ZaloOAOAuthBase, ZaloOAWebhookPath                  string

	// SMTPURL is SMTP_URL (secret: it may hold the password), the mail
	// server of the e-mail channel: smtp://user:pass@host:587 (STARTTLS)
	// or smtps://user:pass@host:465; empty: no e-mail channel.
	SMTPURL string
	// MailFrom is MAIL_FROM, the sender of dondoc's mail, e.g.
	// "Văn phòng UBND huyện <vanphong@example.gov.vn>"; required with
	// SMTP_URL.
	MailFrom string

	// ZNS (Zalo Notification Service) template messages, the digest's
	// fallback to an officer's phone: on when ZNSAccessToken and
	// ZNSTemplateDigest are set.
	ZNSAPIBase        string // ZALO_ZNS_API_BASE
	ZNSAccessToken    string // ZALO_ZNS_ACCESS_TOKEN (secret)
	ZNSTemplateDigest string // ZALO_ZNS_TEMPLATE_DIGEST: the approved template's id
	// ZNSTemplateFields maps the template's parameters to the digest's
	// figures (ZALO_ZNS_TEMPLATE_FIELDS, "param=field,…"; fields: name,
	// code, overdue, due_today, due_soon, at_risk, total, date).
	ZNSTemplateFields string
	ZNSPriceVND       int // ZALO_ZNS_PRICE_VND: estimated price of one message, in đồng
	// DigestChannels is the order in which an officer's daily digest
	// looks for a channel that reaches them (DIGEST_CHANNELS), unless the
	// officer chose one with /caidat.
	DigestChannels []string

	RemindAt           string // REMIND_AT (HH:MM, empty: off)
	EscalateAt         string // ESCALATE_AT
	WeeklyAt           string // WEEKLY_AT (Mondays)
	MonthlyAt          string // MONTHLY_AT (first working day of the month)
	EscalateRepeatDays int    // ESCALATE_REPEAT_DAYS
	EscalateToGroups   bool   // ESCALATE_TO_GROUPS
	// RiskThreshold (RISK_THRESHOLD, default 0.5; "off": 0): a dossier
	// whose estimated probability of finishing late is at least this is
	// "at risk" in digests, escalations, weekly summaries and /nguyco.
	// 0 turns the early warning off.
	RiskThreshold float64

	// IngestLimits bound every imported file and request (docs/operations.md).
	IngestLimits IngestLimits
	// IngestMaxBodyBytes caps an ingest API request body (INGEST_MAX_BODY_BYTES).
	IngestMaxBodyBytes int64
	// ChatEchoChars caps how much of a user's own text a reply repeats
	// (CHAT_ECHO_CHARS).
	ChatEchoChars int
	// ReplicaID names this process in the leader election, the run log's
	// claims and the outbox leases (REPLICA_ID; empty: the host name and
	// a random suffix, chosen at start).
	ReplicaID string
	// OutboxRetentionDays is how long sent and failed outbox entries are
	// kept (OUTBOX_RETENTION_DAYS, default 90, 0: for ever; at least 40,
	// longer than the monthly job's period).
	OutboxRetentionDays int
}

// IngestLimits has the fields of ingest.Limits, in the same order, so that
// ingest.Limits(cfg.IngestLimits) converts it.
type IngestLimits struct {
	MaxUncompressedBytes  int64 // INGEST_MAX_UNCOMPRESSED_BYTES (default 100 MiB)
	MaxSharedStringsBytes int64 // INGEST_MAX_SHARED_STRINGS_BYTES (default 32 MiB)
	MaxEntries            int   // INGEST_MAX_ZIP_ENTRIES (default 1000)
	MaxCellChars          int   // INGEST_MAX_CELL_CHARS (default 32767)
	MaxRows               int   // INGEST_MAX_ROWS (default 2000000)
	MaxCodeChars          int   // INGEST_MAX_CODE_CHARS (default 64)
	MaxTextChars          int   // INGEST_MAX_TEXT_CHARS (default 1000)
}

// The defaults of the limits (ingest.DefaultLimits has the same values).
const (
	DefaultIngestMaxBodyBytes = 64 << 20
	DefaultChatEchoChars      = 64
)

// DefaultTelegramEndpoint is the official Bot API endpoint format.
const DefaultTelegramEndpoint = "https://api.telegram.org/bot%s/%s"

// DefaultZNSAPIBase is the ZNS API base URL.
const DefaultZNSAPIBase = "https://business.openapi.zalo.me"

// DefaultZNSTemplateFields maps a digest template's parameters to the
// digest's figures.
const DefaultZNSTemplateFields = "ten=name,so_qua_han=overdue,so_den_han=due_today,ngay=date"

// DefaultDigestChannels is the default DIGEST_CHANNELS.
const DefaultDigestChannels = "zalo,zalo_oa,telegram,zns,email"

// channelList splits a comma-separated list of platform names.
func channelList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// DefaultZaloAPIBase is the Zalo Bot Platform base URL.
const DefaultZaloAPIBase = "https://bot-api.zaloplatforms.com"

// The Zalo Official Account defaults.
const (
	DefaultZaloOAAPIBase     = "https://openapi.zalo.me"
	DefaultZaloOAOAuthBase   = "https://oauth.zaloapp.com"
	DefaultZaloOAWebhookPath = "/zalo-oa/webhook"
)

// KeyError says which key is wrong and what is expected.
type KeyError struct {
	Key, Value, Expected string
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("config: %s=%q is invalid: expected %s", e.Key, e.Value, e.Expected)
}

// Load reads the configuration through getenv (os.Getenv in production)
// and validates it. Every invalid key is reported, joined.
func Load(getenv func(string) string) (Config, error) {
	var errs []error
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	bad := func(key, value, expected string) { errs = append(errs, &KeyError{key, value, expected}) }
	atoi := func(key string, def, min, max int) int {
		v := get(key, "")
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			bad(key, v, fmt.Sprintf("a whole number from %d to %d", min, max))
			return def
		}
		return n
	}
	atof := func(key string, def float64) float64 {
		v := get(key, "")
		if v == "" {
			return def
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			bad(key, v, "a positive number")
			return def
		}
		return f
	}
	boolean := func(key string) bool {
		v := get(key, "")
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad(key, v, "true or false")
		}
		return b
	}
	clock := func(key, def string) string {
		v := get(key, def)
		if v == "" || strings.EqualFold(v, "off") {
			return ""
		}
		if _, _, err := ParseClock(v); err != nil {
			bad(key, v, "a time of day HH:MM, or empty/off to disable")
			return ""
		}
		return v
	}

	c := Config{
		DatabaseURL:            get("DATABASE_URL", "dondoc.db"),
		LogFormat:              strings.ToLower(get("LOG_FORMAT", "text")),
		DueSoonDays:            atoi("DONDOC_DUE_SOON_DAYS", 2, 0, 30),
		HTTPAddr:               get("HTTP_ADDR", ":8080"),
		IngestToken:            get("INGEST_TOKEN", ""),
		PublicURL:              strings.TrimRight(get("PUBLIC_URL", ""), "/"),
		TelegramToken:          get("TELEGRAM_BOT_TOKEN", ""),
		TelegramAPIEndpoint:    get("TELEGRAM_API_ENDPOINT", DefaultTelegramEndpoint),
		TelegramWebhookURL:     get("TELEGRAM_WEBHOOK_URL", ""),
		TelegramWebhookSecret:  get("TELEGRAM_WEBHOOK_SECRET", ""),
		TelegramRatePerSecond:  atof("TELEGRAM_RATE_PER_SECOND", 30),
		TelegramRatePerChat:    atof("TELEGRAM_RATE_PER_CHAT", 1),
		TelegramGroupPerMinute: atoi("TELEGRAM_GROUP_PER_MINUTE", 20, 1, 1000),
		ZaloToken:              get("ZALO_BOT_TOKEN", ""),
		ZaloAPIBase:            strings.TrimRight(get("ZALO_API_BASE", DefaultZaloAPIBase), "/"),
		ZaloGroupsEnable:       boolean("ZALO_GROUPS"),
		ZaloWebhookURL:         get("ZALO_WEBHOOK_URL", ""),
		ZaloWebhookSecret:      get("ZALO_WEBHOOK_SECRET", ""),
		ZaloRatePerSecond:      atof("ZALO_RATE_PER_SECOND", 10),
		ZaloRatePerChat:        atof("ZALO_RATE_PER_CHAT", 1),
		ZaloOAAppID:            get("ZALO_OA_APP_ID", ""),
		ZaloOASecretKey:        get("ZALO_OA_SECRET_KEY", ""),
		ZaloOARefreshToken:     get("ZALO_OA_REFRESH_TOKEN", ""),
		ZaloOAWebhookKey:       get("ZALO_OA_WEBHOOK_KEY", ""),
		ZaloOAAPIBase:          strings.TrimRight(get("ZALO_OA_API_BASE", DefaultZaloOAAPIBase), "/"),
		ZaloOAOAuthBase:        strings.TrimRight(get("ZALO_OA_OAUTH_BASE", DefaultZaloOAOAuthBase), "/"),
		ZaloOAWebhookPath:      get("ZALO_OA_WEBHOOK_PATH", DefaultZaloOAWebhookPath),
		SMTPURL:                get("SMTP_URL", ""),
		MailFrom:               get("MAIL_FROM", ""),
		ZNSAPIBase:             strings.TrimRight(get("ZALO_ZNS_API_BASE", DefaultZNSAPIBase), "/"),
		ZNSAccessToken:         get("ZALO_ZNS_ACCESS_TOKEN", ""),
		ZNSTemplateDigest:      get("ZALO_ZNS_TEMPLATE_DIGEST", ""),
		ZNSTemplateFields:      get("ZALO_ZNS_TEMPLATE_FIELDS", DefaultZNSTemplateFields),
		ZNSPriceVND:            atoi("ZALO_ZNS_PRICE_VND", 300, 0, 100000),
		DigestChannels:         channelList(get("DIGEST_CHANNELS", DefaultDigestChannels)),
		RemindAt:               clock("REMIND_AT", "07:30"),
		EscalateAt:             clock("ESCALATE_AT", "08:00"),
		WeeklyAt:               clock("WEEKLY_AT", "08:00"),
		MonthlyAt:              clock("MONTHLY_AT", "09:00"),
		EscalateRepeatDays:     atoi("ESCALATE_REPEAT_DAYS", 5, 1, 60),
		EscalateToGroups:       boolean("ESCALATE_TO_GROUPS"),
		RiskThreshold:          riskThreshold(get("RISK_THRESHOLD", ""), bad),
		IngestLimits: IngestLimits{
			MaxUncompressedBytes:  int64(atoi("INGEST_MAX_UNCOMPRESSED_BYTES", 100<<20, 1<<20, 4<<30)),
			MaxSharedStringsBytes: int64(atoi("INGEST_MAX_SHARED_STRINGS_BYTES", 32<<20, 1<<20, 4<<30)),
			MaxEntries:            atoi("INGEST_MAX_ZIP_ENTRIES", 1000, 10, 1_000_000),
			MaxCellChars:          atoi("INGEST_MAX_CELL_CHARS", 32767, 100, 10<<20),
			MaxRows:               atoi("INGEST_MAX_ROWS", 2_000_000, 1, 100_000_000),
			MaxCodeChars:          atoi("INGEST_MAX_CODE_CHARS", 64, 8, 10000),
			MaxTextChars:          atoi("INGEST_MAX_TEXT_CHARS", 1000, 16, 1_000_000),
		},
		IngestMaxBodyBytes:  int64(atoi("INGEST_MAX_BODY_BYTES", DefaultIngestMaxBodyBytes, 1<<10, 16<<30)),
		ChatEchoChars:       atoi("CHAT_ECHO_CHARS", DefaultChatEchoChars, 8, 1000),
		ReplicaID:           get("REPLICA_ID", ""),
		OutboxRetentionDays: atoi("OUTBOX_RETENTION_DAYS", 90, 0, 36500),
	}
	if l := c.IngestLimits; l.MaxSharedStringsBytes > l.MaxUncompressedBytes {
		bad("INGEST_MAX_SHARED_STRINGS_BYTES", strconv.FormatInt(l.MaxSharedStringsBytes, 10), "at most INGEST_MAX_UNCOMPRESSED_BYTES")
	}
	if n := c.OutboxRetentionDays; n > 0 && n < 40 {
		bad("OUTBOX_RETENTION_DAYS", strconv.Itoa(n), "0 (keep for ever) or at least 40 days")
	}

	if u := c.DatabaseURL; strings.Contains(u, "://") && !strings.HasPrefix(u, "postgres://") &&
		!strings.HasPrefix(u, "postgresql://") && !strings.HasPrefix(u, "sqlite://") && !strings.HasPrefix(u, "file:") {
		bad("DATABASE_URL", redactURL(u), "a SQLite file path, sqlite://PATH, or postgres://…")
	}

	tz := get("DONDOC_TZ", "Asia/Ho_Chi_Minh")
	if loc, err := time.LoadLocation(tz); err != nil {
		if tz == "Asia/Ho_Chi_Minh" {
			c.Location = time.FixedZone("ICT", 7*3600) // no zone database on this host
		} else {
			bad("DONDOC_TZ", tz, "an IANA time zone such as Asia/Ho_Chi_Minh")
		}
	} else {
		c.Location = loc
	}

	switch lv := strings.ToLower(get("LOG_LEVEL", "info")); lv {
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "info":
		c.LogLevel = slog.LevelInfo
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("LOG_LEVEL", lv, "debug, info, warn or error")
	}
	switch c.SupplementClock = strings.ToLower(get("SUPPLEMENT_CLOCK", "pause")); c.SupplementClock {
	case "pause", "reset":
	default:
		bad("SUPPLEMENT_CLOCK", c.SupplementClock, "pause or reset")
	}
	switch c.SupplementExcess = strings.ToLower(get("SUPPLEMENT_EXCESS", "all")); c.SupplementExcess {
	case "all", "waiting":
	default:
		bad("SUPPLEMENT_EXCESS", c.SupplementExcess, "all or waiting")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("LOG_FORMAT", c.LogFormat, "text or json")
	}

	if v := get("DONDOC_NOW", ""); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			bad("DONDOC_NOW", v, "an RFC 3339 instant such as 2026-11-27T07:30:00+07:00")
		}
		c.Now = t
	}

	cut := get("DONDOC_CUTOFF", "15:00")
	if h, m, err := ParseClock(cut); err != nil {
		bad("DONDOC_CUTOFF", cut, "a time of day HH:MM")
	} else {
		c.CutoffHour, c.CutoffMinute = h, m
	}

	if ep := c.TelegramAPIEndpoint; strings.Count(ep, "%s") != 2 || !strings.HasPrefix(ep, "http") {
		bad("TELEGRAM_API_ENDPOINT", ep, "an URL format with two %s, such as https://api.telegram.org/bot%s/%s")
	}
	if w := c.TelegramWebhookURL; w != "" {
		if u, err := url.Parse(w); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			bad("TELEGRAM_WEBHOOK_URL", w, "an https:// URL that Telegram can reach")
		}
	}
	if s := c.TelegramWebhookSecret; s != "" && !validSecret(s) {
		bad("TELEGRAM_WEBHOOK_SECRET", "(hidden)", "1–256 characters of A-Z a-z 0-9 _ -")
	}
	if (c.ZNSAccessToken == "") != (c.ZNSTemplateDigest == "") {
		bad("ZALO_ZNS_TEMPLATE_DIGEST", c.ZNSTemplateDigest, "set together with ZALO_ZNS_ACCESS_TOKEN (both, or neither)")
	}
	if len(c.DigestChannels) == 0 {
		bad("DIGEST_CHANNELS", "", "a comma-separated list such as "+DefaultDigestChannels)
	}
	if w := c.ZaloWebhookURL; w != "" && !zaloWebhookURL(w) {
		bad("ZALO_WEBHOOK_URL", w, "an https:// URL that Zalo can reach (plain http:// only to a loopback address)")
	}
	if p := c.PublicURL; p != "" && !zaloWebhookURL(p) { // the same rule as Zalo's webhook
		bad("PUBLIC_URL", p, "an https:// URL (plain http:// only to a loopback address): upload links (/tailen) carry a secret")
	}
	if s := c.ZaloWebhookSecret; s != "" && !hooksecret.Zalo(s) {
		bad("ZALO_WEBHOOK_SECRET", "(hidden)", "8–256 printable ASCII characters without spaces")
	}
	if c.ZaloOAAppID != "" || c.ZaloOASecretKey != "" || c.ZaloOARefreshToken != "" {
		for _, k := range []struct{ name, v string }{{"ZALO_OA_APP_ID", c.ZaloOAAppID},
			{"ZALO_OA_SECRET_KEY", c.ZaloOASecretKey}, {"ZALO_OA_REFRESH_TOKEN", c.ZaloOARefreshToken}} {
			if k.v == "" {
				bad(k.name, "", "set: the Zalo OA channel needs ZALO_OA_APP_ID, ZALO_OA_SECRET_KEY and ZALO_OA_REFRESH_TOKEN together")
			}
		}
	}
	for _, k := range []struct{ name, v string }{{"ZALO_OA_API_BASE", c.ZaloOAAPIBase}, {"ZALO_OA_OAUTH_BASE", c.ZaloOAOAuthBase}} {
		if u, err := url.Parse(k.v); err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
			bad(k.name, k.v, "an http(s) URL")
		}
	}
	if p := c.ZaloOAWebhookPath; !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " ?#{}") {
		bad("ZALO_OA_WEBHOOK_PATH", p, "a path starting with /, like "+DefaultZaloOAWebhookPath)
	}
	if v := c.SMTPURL; v != "" {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			bad("SMTP_URL", redactSMTP(v), "smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465")
		}
		if _, err := mail.ParseAddress(c.MailFrom); err != nil {
			bad("MAIL_FROM", c.MailFrom, "the sender's address, e.g. \"Văn phòng UBND <vanphong@example.gov.vn>\" (required with SMTP_URL)")
		}
	}
	return c, errors.Join(errs...)
}

// zaloWebhookURL accepts an HTTPS URL, or HTTP to a loopback host.
func zaloWebhookURL(w string) bool {
	u, err := url.Parse(w)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return u.Scheme == "http" && (ip != nil && ip.IsLoopback() || strings.EqualFold(host, "localhost"))
}

// ParseClock reads a time of day "HH:MM".
func ParseClock(s string) (hour, minute int, err error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a time of day HH:MM", s)
	}
	return t.Hour(), t.Minute(), nil
}

func validSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// IsPostgres reports whether DatabaseURL selects Postgres.
func (c Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// Clock returns the one clock every rule, job and the scheduler use: a
// fake clock fixed at DONDOC_NOW when set (it never advances by itself),
// else the real one. Call it once and pass the result down.
func (c Config) Clock() clockwork.Clock {
	if !c.Now.IsZero() {
		return clockwork.NewFakeClockAt(c.Now)
	}
	return clockwork.NewRealClock()
}

// LogValue implements slog.LogValuer: the configuration without secrets.
func (c Config) LogValue() slog.Value {
	set := func(s string) string {
		if s == "" {
			return "unset"
		}
		return "set"
	}
	return slog.GroupValue(
		slog.String("database", redactURL(c.DatabaseURL)),
		slog.String("tz", c.Location.String()),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("telegram_token", set(c.TelegramToken)),
		slog.String("telegram_webhook", c.TelegramWebhookURL),
		slog.String("zalo_token", set(c.ZaloToken)),
		slog.String("zalo_webhook", c.ZaloWebhookURL),
		slog.String("zalo_webhook_key", set(c.ZaloWebhookSecret)),
		slog.String("zalo_oa_app", c.ZaloOAAppID),
		slog.String("zalo_oa_key", set(c.ZaloOASecretKey)),
		slog.String("zalo_oa_refresh", set(c.ZaloOARefreshToken)),
		slog.String("zalo_oa_webhook", c.ZaloOAWebhookPath),
		slog.String("smtp", redactSMTP(c.SMTPURL)),
		slog.String("ingest_token", set(c.IngestToken)),
		slog.String("remind_at", c.RemindAt),
		slog.String("replica", c.ReplicaID),
		slog.Int("outbox_retention_days", c.OutboxRetentionDays),
	)
}

// redactURL hides the password of a database URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// redactSMTP shows where SMTP_URL points, never its password ("" for none,
// "(invalid)" when it cannot be parsed: the raw text may hold a password).
func redactSMTP(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid)"
	}
	return u.Redacted()
}

// DefaultRiskThreshold is RISK_THRESHOLD when unset (models.DefaultRiskThreshold).
const DefaultRiskThreshold = 0.5

// riskThreshold parses RISK_THRESHOLD: a probability in (0, 1], or off.
func riskThreshold(v string, bad func(key, value, expected string)) float64 {
	switch {
	case v == "":
		return DefaultRiskThreshold
	case strings.EqualFold(v, "off"):
		return 0
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err == nil && strings.HasSuffix(v, "%") {
		f /= 100
	}
	if err != nil || !(f > 0 && f <= 1) {
		bad("RISK_THRESHOLD", v, "a probability above 0 and at most 1 (0.5 or 50%), or off")
		return DefaultRiskThreshold
	}
	return f
}
