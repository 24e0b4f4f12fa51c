package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/dondoc/dondoc/models"
)

// MaxPortalFile bounds a portal file (a province has a few thousand units).
const MaxPortalFile = 32 << 20

// portalUnit is one unit of the portal's "Tiến độ giải quyết" answer. The
// unit's id and name come under the names the portal's endpoints use.
type portalUnit struct {
	ID             json.RawMessage `json:"id"`
	DepartmentID   json.RawMessage `json:"departmentId"`
	AgencyID       json.RawMessage `json:"agencyId"`
	Code           json.RawMessage `json:"code"`
	Name           string          `json:"name"`
	DepartmentName string          `json:"departmentName"`
	AgencyName     string          `json:"agencyName"`
	TotalReceived  *float64        `json:"totalReceived"`
	TotalOnTime    *float64        `json:"totalOnTime"`
	TotalOverdue   *float64        `json:"totalOverdue"`
	Ratio          *float64        `json:"ratio"`
	Score          *float64        `json:"score"`
	MaxScore       *float64        `json:"maxScore"`
}

// ReadPortalProgress reads the portal's published "Tiến độ giải quyết" of
// a period (the JSON of dvc-progress-tree: data.parent and
// data.children[]) into one line per unit, the parent first. name names the
// file in errors.
func ReadPortalProgress(r io.Reader, name, period string) ([]models.PortalProgress, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxPortalFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > MaxPortalFile {
		return nil, fmt.Errorf("%s: tệp lớn quá %d MB: không phải số liệu của Cổng Dịch vụ công", name, MaxPortalFile>>20)
	}
	var doc struct {
		Data *struct {
			Parent   *portalUnit  `json:"parent"`
			Children []portalUnit `json:"children"`
		} `json:"data"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: không phải tệp JSON của Cổng Dịch vụ công: %w", name, err)
	}
	if doc.Data == nil || (doc.Data.Parent == nil && len(doc.Data.Children) == 0) {
		return nil, fmt.Errorf("%s: không có data.parent hay data.children: không phải số liệu \"Tiến độ giải quyết\" của Cổng Dịch vụ công", name)
	}
	var out []models.PortalProgress
	seen := map[string]bool{}
	add := func(u *portalUnit, parent bool, i int) error {
		id := firstID(u.ID, u.DepartmentID, u.AgencyID, u.Code)
		where := "data.parent"
		if !parent {
			where = "data.children[" + strconv.Itoa(i) + "]"
		}
		if id == "" {
			return fmt.Errorf("%s: %s không có mã đơn vị (id, departmentId, agencyId hoặc code)", name, where)
		}
		if seen[id] {
			return fmt.Errorf("%s: %s: mã đơn vị %q xuất hiện hai lần", name, where, id)
		}
		seen[id] = true
		p := models.PortalProgress{Period: period, PortalID: id, Name: firstNonEmpty(u.Name, u.DepartmentName, u.AgencyName), Parent: parent,
			Ratio: u.Ratio, Score: u.Score, MaxScore: u.MaxScore}
		for _, f := range []struct {
			v   *float64
			dst **int
			key string
		}{{u.TotalReceived, &p.Received, "totalReceived"}, {u.TotalOnTime, &p.OnTime, "totalOnTime"}, {u.TotalOverdue, &p.Overdue, "totalOverdue"}} {
			if f.v == nil {
				continue
			}
			if *f.v < 0 || *f.v != float64(int(*f.v)) || *f.v > 1e9 {
				return fmt.Errorf("%s: %s: %s = %v không phải là số hồ sơ", name, where, f.key, *f.v)
			}
			n := int(*f.v)
			*f.dst = &n
		}
		out = append(out, p)
		return nil
	}
	if doc.Data.Parent != nil {
		if err := add(doc.Data.Parent, true, 0); err != nil {
			return nil, err
		}
	}
	for i := range doc.Data.Children {
		if err := add(&doc.Data.Children[i], false, i); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// firstID returns the first id given, as text (a JSON string or number).
func firstID(raws ...json.RawMessage) string {
	for _, raw := range raws {
		var s string
		if json.Unmarshal(raw, &s) == nil && strings.TrimSpace(s) != "" {
			return strings.TrimSpace(s)
		}
		var n json.Number
		if json.Unmarshal(raw, &n) == nil && n != "" {
			return n.String()
		}
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return models.NFC(s)
		}
	}
	return ""
}
