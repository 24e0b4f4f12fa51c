package telegram

import (
	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/notify"
)

// Every chat adapter sends (notify.Channel, bot.Responder), receives
// (bot.Receiver) and describes its platform (notify.Describer).
var (
	_ notify.Describer = (*Bot)(nil)
	_ bot.Receiver     = (*Bot)(nil)
)

// The Bot API's limits on one message.
const (
	MaxText    = 4096 // characters of a message's text
	MaxCaption = 1024 // characters of a document's or photo's caption
)

// Description is what Telegram offers: HTML, 4096 characters (1024 in a
// caption), documents and photos, inline buttons, groups and forum topics,
// linking by deep link or typed code; limits are the dispatcher's pace.
func Description(limits notify.Limits) notify.Platform {
	return notify.Platform{Name: Platform, Label: "Telegram", Format: notify.FormatHTML, MaxText: MaxText,
		MaxCaption: MaxCaption, Files: true, Photos: true, Buttons: true, Groups: true, Linkable: true, Limits: limits,
		BareKeys: true}
}

// Describe implements notify.Describer, with the configured limits
// (Config.Limits, default notify.TelegramLimits).
func (b *Bot) Describe() notify.Platform { return Description(b.cfg.Limits) }
