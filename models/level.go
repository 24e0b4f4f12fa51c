package models

import "strings"

// Levels (cấp) of a unit, as the units export and `dondoc units template`
// spell them (docs/domain.md "Units: the two-level local government").
// Import accepts the Vietnamese words too ("Sở", "phường", "đặc khu"…):
// PeerClassOf folds them.
const (
	LevelProvince    = "tinh"     // UBND tỉnh, thành phố
	LevelDepartment  = "so"       // sở, ban, ngành and provincial bodies (Văn phòng UBND, Trung tâm PVHCC tỉnh)
	LevelCommune     = "xa"       // xã
	LevelWard        = "phuong"   // phường
	LevelSpecialZone = "dac_khu"  // đặc khu
	LevelDistrict    = "huyen"    // huyện, quận, thị xã, thành phố thuộc tỉnh — until 30/6/2025
	LevelTownship    = "thi_tran" // thị trấn — until 30/6/2025
	LevelSubUnit     = "phong"    // phòng, ban, trung tâm inside a unit
)

// PeerClass is who a unit is ranked with: provincial departments with each
// other, commune-level units with each other, sub-units within their unit —
// never a Sở against a xã.
type PeerClass string

// The peer classes.
const (
	PeerProvince   PeerClass = "tinh"
	PeerDepartment PeerClass = "so"
	PeerDistrict   PeerClass = "huyen"
	PeerCommune    PeerClass = "xa"
	PeerSubUnit    PeerClass = "phong"
	PeerOther      PeerClass = "khac"
)

// PeerClassOf returns the peer class of a level, given as a code ("xa",
// "dac_khu") or in Vietnamese ("Phường", "Sở, ban, ngành"), folded.
func PeerClassOf(level string) PeerClass {
	f := strings.NewReplacer("_", " ", "-", " ", ",", " ", "/", " ").Replace(Fold(level))
	f = strings.Join(strings.Fields(f), " ")
	switch f {
	case "tinh", "thanh pho truc thuoc trung uong", "ubnd tinh":
		return PeerProvince
	case "so", "ban", "nganh", "so ban nganh", "so nganh":
		return PeerDepartment
	case "huyen", "quan", "thi xa", "thanh pho thuoc tinh", "cap huyen":
		return PeerDistrict
	case "xa", "phuong", "dac khu", "thi tran", "cap xa":
		return PeerCommune
	case "phong", "ban chuyen mon", "trung tam", "phong ban", "phong ban trung tam", "don vi truc thuoc":
		return PeerSubUnit
	}
	return PeerOther
}

// LevelLabel is a level's name in Vietnamese ("xã", "phường", "đặc khu",
// "sở, ban, ngành"); a level dondoc does not know is returned as given.
func LevelLabel(level string) string {
	f := strings.ReplaceAll(Fold(level), "_", " ")
	switch f {
	case "tinh":
		return "tỉnh"
	case "so":
		return "sở, ban, ngành"
	case "xa":
		return "xã"
	case "phuong":
		return "phường"
	case "dac khu":
		return "đặc khu"
	case "thi tran":
		return "thị trấn"
	case "huyen":
		return "huyện"
	case "phong":
		return "phòng, ban, trung tâm"
	}
	return level
}
