package models

import "time"

// ChatAccount links an officer to a private chat on one platform.
type ChatAccount struct {
	Platform       string
	UserID         string
	ChatID         string
	OfficerCode    string
	Active         bool
	InactiveReason string
	LinkedAt       time.Time
	OfficerName    string // filled by the queries that join officers
	OfficerRole    Role
	OfficerUnit    string
}

// ChatGroup binds a group chat (optionally a forum topic) to a unit.
type ChatGroup struct {
	Platform string
	ChatID   string
	UnitCode string
	ThreadID int
	Active   bool
	BoundAt  time.Time
}
