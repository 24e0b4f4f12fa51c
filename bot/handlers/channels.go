package handlers

import (
	"context"
	"errors"
	"strings"

	"github.com/dondoc/dondoc/bot"
)

// DigestChannels shows and changes the channel of an officer's daily
// digest (/caidat); app adapts *jobs.Deps to it.
type DigestChannels interface {
	// Options lists the channels that reach the officer, in the order
	// the digest tries them.
	Options(ctx context.Context, officerCode string) ([]ChannelOption, error)
	// Choose records the officer's channel ("" for the default order);
	// ErrNoChannel when it does not reach the officer.
	Choose(ctx context.Context, officerCode, platform string) error
}

// ChannelOption is one channel that reaches an officer.
type ChannelOption struct {
	Platform string // "zalo", "zns", "email"…
	Label    string // "Zalo", "tin nhắn ZNS", "thư điện tử"
	Chosen   bool   // the officer chose it
	Used     bool   // the digest goes there (the first that works)
}

// ErrNoChannel: the officer cannot be reached on the channel asked for.
var ErrNoChannel = errors.New("handlers: the officer cannot be reached on that channel")

// resetWords put the digest back on the configured order.
var resetWords = map[string]bool{"macdinh": true, "tudong": true, "default": true, "auto": true}

// channelSettings answers /caidat [kênh]: without an argument it lists the
// channels the officer can be reached on; with one it makes that channel
// the digest's.
func (h *handlers) channelSettings(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	f := newFmtr(q, h.loc())
	if h.Channels == nil {
		return bot.Reply{Text: "Chức năng chọn kênh nhận bản tin chưa được bật trên hệ thống này.", Format: f.format()}, nil
	}
	code := q.Person.OfficerCode
	opts, err := h.Channels.Options(ctx, code)
	if err != nil {
		return bot.Reply{}, err
	}
	if len(opts) == 0 {
		return bot.Reply{Text: "Hiện chưa có kênh nào gửi được bản tin nhắc việc cho bạn. " +
			"Vui lòng liên hệ Văn phòng để bổ sung số điện thoại hoặc thư điện tử.", Format: f.format()}, nil
	}
	arg := strings.ReplaceAll(bot.Fold(q.Command.ArgText), " ", "")
	if arg == "" {
		return bot.Reply{Text: channelList(f, opts, ""), Format: f.format()}, nil
	}
	want := ""
	if !resetWords[arg] {
		want = matchChannel(opts, arg)
		if want == "" {
			return bot.Reply{}, &bot.UserError{Msg: "Không có kênh này trong các kênh gửi được bản tin cho bạn. Các kênh có thể chọn: " +
				platformNames(opts) + "."}
		}
	}
	if err := h.Channels.Choose(ctx, code, want); errors.Is(err, ErrNoChannel) {
		return bot.Reply{}, &bot.UserError{Msg: "Không gửi được bản tin cho bạn qua kênh này. Các kênh có thể chọn: " + platformNames(opts) + "."}
	} else if err != nil {
		return bot.Reply{}, err
	}
	opts, err = h.Channels.Options(ctx, code)
	if err != nil {
		return bot.Reply{}, err
	}
	done := "Đã đặt lại: bản tin đi theo thứ tự kênh mặc định của đơn vị."
	if want != "" {
		done = "Đã chọn kênh nhận bản tin: " + f.b(labelOf(opts, want)) + "."
	}
	return bot.Reply{Text: channelList(f, opts, done), Format: f.format()}, nil
}

// matchChannel finds the channel arg (folded, without spaces) names: its
// platform name, its label ("thudientu"), or the start of one label alone
// ("thu" for thư điện tử); "" for none. Only the names and labels the
// channels give are read: no platform is known here by name.
func matchChannel(opts []ChannelOption, arg string) string {
	label := func(o ChannelOption) string { return strings.ReplaceAll(bot.Fold(o.Label), " ", "") }
	for _, o := range opts {
		if arg == o.Platform || arg == label(o) {
			return o.Platform
		}
	}
	found := ""
	for _, o := range opts {
		if len(arg) >= 3 && strings.HasPrefix(label(o), arg) {
			if found != "" {
				return "" // ambiguous
			}
			found = o.Platform
		}
	}
	return found
}

func channelList(f fmtr, opts []ChannelOption, head string) string {
	var b strings.Builder
	if head != "" {
		b.WriteString(head + "\n\n")
	}
	b.WriteString("Mỗi ngày làm việc bạn nhận một bản tin nhắc việc, qua một kênh. Các kênh gửi được cho bạn:\n")
	chosen := ""
	for _, o := range opts {
		b.WriteString("• " + f.b(o.Label) + " (" + f.code(o.Platform) + ")")
		if o.Used {
			b.WriteString(" — đang nhận")
		}
		b.WriteString("\n")
		if o.Chosen {
			chosen = o.Label
		}
	}
	if chosen != "" {
		b.WriteString("Bạn đã chọn: " + f.b(chosen) + ".\n")
	} else {
		b.WriteString("Bạn chưa chọn kênh: bản tin đi qua kênh đầu tiên gửi được theo thứ tự của đơn vị.\n")
	}
	b.WriteString("Nếu kênh đang nhận bị lỗi hẳn, bản tin ngày đó chuyển sang kênh kế tiếp (không bao giờ gửi hai lần).\n")
	b.WriteString("Đổi kênh: gõ /caidat <kênh>, ví dụ /caidat " + f.esc(opts[len(opts)-1].Platform) +
		"; gõ /caidat macdinh để theo thứ tự mặc định.")
	return b.String()
}

func platformNames(opts []ChannelOption) string {
	names := make([]string, len(opts))
	for i, o := range opts {
		names[i] = o.Platform
	}
	return strings.Join(names, ", ")
}

func labelOf(opts []ChannelOption, platform string) string {
	for _, o := range opts {
		if o.Platform == platform {
			return o.Label
		}
	}
	return platform
}
