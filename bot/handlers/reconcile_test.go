package handlers_test

import (
	"strings"
	"testing"
)

// /doisoat: the secretariat reads the month's reconciliation with the
// portal; an officer may not.
func TestReconcileCommand(t *testing.T) {
	forEachEnv(t, func(t *testing.T, e *env, p people) {
		e.link(uSecretariat, p.secretariat.Code)
		e.link(uOfficer, p.officer.Code)
		r := e.say(uSecretariat, uSecretariat, "/doisoat 2026-10")
		for _, want := range []string{"ĐỐI SOÁT VỚI CỔNG DỊCH VỤ CÔNG QUỐC GIA — tháng 10/2026", "UBND xã Một (mã trên Cổng: P1)",
			"dondoc: 12 hồ sơ, 11 đúng hạn, 1 quá hạn", "Chênh lệch (dondoc − Cổng): 0 hồ sơ, +1 đúng hạn"} {
			if !strings.Contains(r.Text, want) {
				t.Errorf("/doisoat lacks %q:\n%s", want, r.Text)
			}
		}
		if r := e.say(uOfficer, uOfficer, "/doisoat"); strings.Contains(r.Text, "ĐỐI SOÁT") {
			t.Errorf("an officer got the reconciliation: %s", r.Text)
		}
	})
}
