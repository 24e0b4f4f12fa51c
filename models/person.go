package models

// Person is someone dondoc knows through a linked chat account: the
// officer's code, name, unit and role.
type Person struct {
	OfficerCode string
	Name        string
	UnitCode    string
	Role        Role
}

// GroupBinding is the unit a group chat is bound to.
type GroupBinding struct {
	UnitCode string
	UnitName string
}
