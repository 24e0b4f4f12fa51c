package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/models"
)

// maxUnitMatches bounds the units listed when a name is ambiguous.
const maxUnitMatches = 5

// unitArg resolves the unit words of /quahan and /sapden: a unit code in
// any case, or words of a unit's name with or without diacritics
// ("cam hoa" → UBND xã Cẩm Hòa). "" for no words. Words that name no unit
// are explained with usage, never taken for a code.
func (h *handlers) unitArg(ctx context.Context, command string, words []string) (string, error) {
	phrase := strings.TrimSpace(strings.Join(words, " "))
	if phrase == "" {
		return "", nil
	}
	tree, err := h.Directory.Tree(ctx)
	if err != nil {
		return "", err
	}
	seen := map[string]bool{}
	var all []string
	for _, r := range tree.Roots() {
		for _, c := range append([]string{r}, tree.Descendants(r)...) {
			if !seen[c] {
				seen[c] = true
				all = append(all, c)
			}
		}
	}
	if len(words) == 1 {
		for _, c := range all {
			if strings.EqualFold(c, phrase) {
				return c, nil
			}
		}
	}
	want := " " + models.Fold(phrase) + " "
	var matches []string
	for _, c := range all {
		u, _ := tree.Get(c)
		if u == nil {
			continue
		}
		name := " " + models.Fold(u.Name) + " "
		if strings.Contains(name, want) {
			matches = append(matches, c)
		}
	}
	if len(matches) > 1 {
		// A name shared with a unit ended in 2025 ("Bình Minh": the old
		// thị trấn and huyện, the new phường) means the unit of today.
		today := h.Rules.Cal.Today(h.Clock())
		var current []string
		for _, c := range matches {
			if tree.Current(c, today) {
				current = append(current, c)
			}
		}
		if len(current) == 1 {
			return current[0], nil
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return "", &bot.UserError{Msg: unitUsage(command, phrase)}
	}
	sort.Strings(matches)
	var b strings.Builder
	fmt.Fprintf(&b, "Có %d đơn vị khớp với «%s»; gõ rõ hơn hoặc dùng mã đơn vị:\n", len(matches), short(phrase, 40))
	for i, c := range matches {
		if i == maxUnitMatches {
			fmt.Fprintf(&b, "… và %d đơn vị khác\n", len(matches)-i)
			break
		}
		u, _ := tree.Get(c)
		fmt.Fprintf(&b, "• %s — /%s %s\n", u.Name, command, c)
	}
	return "", &bot.UserError{Msg: strings.TrimRight(b.String(), "\n")}
}

// unitUsage explains an argument that is neither a number nor a unit.
func unitUsage(command, arg string) string {
	if utf8.RuneCountInString(arg) > 40 {
		arg = short(arg, 40)
	}
	switch command {
	case "sapden":
		return fmt.Sprintf("Không hiểu «%s». Lệnh /sapden nhận số ngày làm việc (0–30) và mã hoặc tên đơn vị, "+
			"ví dụ: /sapden 3, /sapden cam hoa, /sapden 3 cam hoa.", arg)
	default:
		return fmt.Sprintf("Không tìm thấy đơn vị «%s». Lệnh /%s nhận mã hoặc tên đơn vị (không cần dấu), "+
			"ví dụ: /%s cam hoa.", arg, command, command)
	}
}
