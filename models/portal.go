package models

// PortalProgress is one unit's line of the national portal's published
// "Tiến độ giải quyết" (indicator group 4 on dichvucong.gov.vn, the 766
// indicator 2.1) for a period: data.parent (the province or department,
// Parent) or one of data.children. A nil figure is one the portal did not
// give (null is not 0).
type PortalProgress struct {
	Period   string // YYYY-MM
	PortalID string // the unit's id on the portal
	Name     string
	Parent   bool
	Received *int     // totalReceived
	OnTime   *int     // totalOnTime
	Overdue  *int     // totalOverdue
	Ratio    *float64 // ratio, as the portal gives it
	Score    *float64 // score
	MaxScore *float64 // maxScore
}
