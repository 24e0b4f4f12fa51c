package notify

// Platform describes one channel: everything the rest of dondoc may know
// of a chat platform. Jobs, renderers and handlers decide by these fields,
// never by comparing platform names; only the adapter that describes
// itself and the one wiring list in app know which platform is which.
type Platform struct {
	Name       string // key in the outbox and chat accounts: "zalo", "zalo_oa", "telegram", "zns", "email", "console"
	Label      string // what a user reads: "Zalo", "Zalo OA", "Telegram", "tin nhắn ZNS", "thư điện tử"
	Format     Format // the markup it renders; FormatPlain means text is converted with PlainText
	MaxText    int    // longest text of one message, in characters; longer text is split on line boundaries
	MaxCaption int    // longest photo caption; 0: photos carry no caption
	Files      bool   // can send a document (the monthly XLSX)
	Photos     bool   // can send a photo (the monthly chart)
	Buttons    bool   // inline keyboards; without them paging is typed ("gõ /hoso 2")
	Groups     bool   // has group chats bound to units
	Linkable   bool   // officers link an account on it by a one-time code in chat
	Limits     Limits // sending limits the dispatcher keeps
	// BareKeys: the outbox keys of its per-officer messages carry no
	// "/<Name>" suffix. Telegram's keys predate the other platforms;
	// changing them would send a day's messages twice on upgrade.
	BareKeys bool
}

// Key is the outbox key of a per-officer message to this platform: base
// (the job's key) followed by "/<Name>", unless BareKeys.
func (p Platform) Key(base string) string {
	if p.BareKeys {
		return base
	}
	return base + "/" + p.Name
}

// Describer is implemented by every channel adapter.
type Describer interface {
	Describe() Platform
}
