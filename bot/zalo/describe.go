package zalo

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

// Description is what the Zalo Bot Platform offers: plain text of at most
// MaxText characters, no buttons (paging is typed), no file upload, groups
// when groups is true, linking by typing the one-time code. A connected
// bot's Describe adds its configured pace and whether it can send photos.
func Description(groups bool, limits notify.Limits) notify.Platform {
	return notify.Platform{Name: Platform, Label: "Zalo", Format: notify.FormatPlain, MaxText: MaxText,
		Groups: groups, Linkable: true, Limits: limits}
}

// Describe implements notify.Describer.
func (b *Bot) Describe() notify.Platform {
	p := Description(b.groups, b.Limits())
	p.Photos = b.cfg.PhotoURL != nil
	return p
}
