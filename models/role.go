package models

import (
	"fmt"
	"strings"
)

// Role is what a person may do in dondoc.
type Role string

// The roles, from least to most privileged.
const (
	RoleOfficer     Role = "officer"     // chuyên viên: their own dossiers
	RoleLeader      Role = "leader"      // lãnh đạo: their unit's sub-tree
	RoleSecretariat Role = "secretariat" // văn phòng / bộ phận một cửa: everything, imports, broadcasts
	RoleAdmin       Role = "admin"       // quản trị: everything, configuration
)

var roleAliases = map[string]Role{
	"officer": RoleOfficer, "chuyen vien": RoleOfficer, "can bo": RoleOfficer, "cong chuc": RoleOfficer,
	"leader": RoleLeader, "lanh dao": RoleLeader, "truong phong": RoleLeader, "pho truong phong": RoleLeader,
	"chu tich": RoleLeader, "pho chu tich": RoleLeader, "giam doc": RoleLeader, "pho giam doc": RoleLeader,
	"secretariat": RoleSecretariat, "van phong": RoleSecretariat, "van thu": RoleSecretariat, "mot cua": RoleSecretariat,
	"admin": RoleAdmin, "quan tri": RoleAdmin, "quan tri he thong": RoleAdmin,
}

// ParseRole reads a role in English or Vietnamese (with or without
// diacritics); an empty value is an officer.
func ParseRole(s string) (Role, error) {
	if strings.TrimSpace(s) == "" {
		return RoleOfficer, nil
	}
	if r, ok := roleAliases[Fold(s)]; ok {
		return r, nil
	}
	return "", fmt.Errorf("%q is not a role (expected officer/leader/secretariat/admin or chuyên viên/lãnh đạo/văn phòng/quản trị)", s)
}

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	switch r {
	case RoleOfficer, RoleLeader, RoleSecretariat, RoleAdmin:
		return true
	}
	return false
}

// SeesAll reports a role whose scope is every unit.
func (r Role) SeesAll() bool { return r == RoleSecretariat || r == RoleAdmin }

// Label returns the Vietnamese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleOfficer:
		return "chuyên viên"
	case RoleLeader:
		return "lãnh đạo"
	case RoleSecretariat:
		return "văn phòng"
	case RoleAdmin:
		return "quản trị"
	}
	return string(r)
}
