package sample

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
)

// Names of the sample's fictional district and province.
const (
	DistrictName = "Bình Minh"
	ProvinceName = "Phú Lâm"
)

// The reorganisation of 1 July 2025: the last day of the old communes and
// the first day of the merged one.
var (
	mergeLastDay  = models.NewDate(2025, time.June, 30)
	mergeFirstDay = models.NewDate(2025, time.July, 1)
)

type orgUnit struct {
	models.Unit
	kind     unitKind
	weight   float64 // dossier volume; 0: receives none
	procs    []int   // indices in procedures
	pcum     []float64
	pools    [][]int // handler officers per procedure
	officers []int
	leaders  []int
	oneStop  []int // who receives and returns its dossiers (possibly another unit's staff)
	alt      int   // unit used on a day this one is not valid (successor or predecessor)
}

type orgOfficer struct {
	models.Officer
	group string
}

type org struct {
	units    []orgUnit
	officers []orgOfficer
	ucum     []float64 // cumulative unit weights
	used     map[string]int
	r        *rand.Rand
	domain   string // of the officers' e-mail addresses
}

func buildOrg(cfg Config, r *rand.Rand) *org {
	o := &org{r: r, used: map[string]int{}, domain: "binhminh.gov.vn"}
	places := placeNames(r)
	if cfg.Units <= 15 {
		o.district("H01", DistrictName, "", cfg.Units, true, places)
	} else {
		o.domain = "phulam.gov.vn"
		o.add(kindProvince, "T01", "UBND tỉnh "+ProvinceName, "tinh", "", 0)
		var stop []int
		for _, s := range provinceSubs {
			i := o.add(s.kind, "T01."+s.suffix, fmt.Sprintf(s.name, ProvinceName), s.level, "T01", s.weight*(0.7+0.6*r.Float64()))
			if s.kind == kindProvOneStop {
				stop = append(stop, i)
			}
		}
		nd := (cfg.Units + communesPerDistrict - 1) / communesPerDistrict
		left := cfg.Units
		for d := 1; d <= nd; d++ {
			n := left / (nd - d + 1)
			left -= n
			name := DistrictName
			if d > 1 {
				name = places.next()
			}
			o.district(fmt.Sprintf("H%02d", d), name, "T01", n, d == 1, places)
		}
		o.staffAll()
		for i := range o.units {
			if o.units[i].kind >= kindSoTP && o.units[i].kind <= kindSoGD {
				o.units[i].oneStop = o.unitStaff(stop[0], groupOne)
			}
		}
		o.finish(cfg)
		return o
	}
	o.staffAll()
	o.finish(cfg)
	return o
}

// district adds a district with its rooms and n communes; with merge, two
// old communes end on 30 June 2025 into a merged one.
func (o *org) district(code, name, parent string, n int, merge bool, places *placeGen) {
	o.add(kindDistrict, code, "UBND huyện "+name, "huyen", parent, 0)
	for _, s := range districtSubs {
		o.add(s.kind, code+"."+s.suffix, fmt.Sprintf(s.name, name), s.level, code, s.weight*(0.7+0.6*o.r.Float64()))
	}
	if n < 1 {
		n = 1
	}
	for c := 1; c <= n; c++ {
		cc := fmt.Sprintf("%s.X%02d", code, c)
		switch {
		case c == 1:
			o.add(kindCommune, cc, "UBND thị trấn "+name, "xa", code, 1.6)
		case merge && c == 2:
			i := o.add(kindCommune, cc, "UBND xã "+places.next(), "xa", code, 0.3)
			o.units[i].ValidFrom = mergeFirstDay
			var olds []int
			for k := 1; k <= 2; k++ {
				oc := fmt.Sprintf("%s.X%02d", code, n+k)
				j := o.add(kindCommune, oc, "UBND xã "+places.next(), "xa", code, 0.6+0.6*o.r.Float64())
				o.units[j].ValidTo = mergeLastDay
				o.units[j].SuccessorCode = cc
				o.units[j].alt = i
				olds = append(olds, j)
			}
			o.units[i].alt = olds[0]
		default:
			o.add(kindCommune, cc, "UBND xã "+places.next(), "xa", code, 0.6+1.0*o.r.Float64())
		}
	}
}

func (o *org) add(k unitKind, code, name, level, parent string, weight float64) int {
	o.units = append(o.units, orgUnit{
		Unit: models.Unit{Code: code, Name: name, Level: level, ParentCode: parent},
		kind: k, weight: weight, alt: len(o.units),
	})
	return len(o.units) - 1
}

// staffAll gives every unit its basic roster and wires the district rooms
// to their district's one-stop centre.
func (o *org) staffAll() {
	for i := range o.units {
		for _, p := range staff[o.units[i].kind] {
			for range p.count {
				o.hire(i, p.position, models.Role(p.role), p.group)
			}
		}
	}
	stopOf := map[string]int{} // district code → its one-stop unit
	for i := range o.units {
		if o.units[i].kind == kindOneStop {
			stopOf[o.units[i].ParentCode] = i
		}
	}
	for i := range o.units {
		u := &o.units[i]
		switch {
		case u.kind == kindCommune:
			u.oneStop = o.unitStaff(i, groupOne)
		case u.kind >= kindTP && u.kind <= kindKTHT:
			u.oneStop = o.unitStaff(stopOf[u.ParentCode], groupOne)
		}
	}
}

func (o *org) unitStaff(unit int, group string) []int {
	var out []int
	for _, k := range o.units[unit].officers {
		if o.officers[k].group == group {
			out = append(out, k)
		}
	}
	return out
}

// hire adds an officer with a generated Vietnamese name and an account-style
// code (given name + initials + unit, e.g. "annv.h01x05").
func (o *org) hire(unit int, position string, role models.Role, group string) {
	u := &o.units[unit]
	p := personName(o.r)
	base := p.account()
	suffix := strings.ToLower(strings.ReplaceAll(u.Code, ".", ""))
	code := base + "." + suffix
	if n := o.used[code]; n > 0 {
		o.used[code] = n + 1
		code = base + strconv.Itoa(n+1) + "." + suffix
	}
	o.used[code]++
	k := len(o.officers)
	o.officers = append(o.officers, orgOfficer{
		Officer: models.Officer{
			Code: code, Name: p.full, UnitCode: u.Code, Position: position, Role: role,
			Phone: fmt.Sprintf("09%08d", o.r.IntN(100_000_000)), Email: code + "@" + o.domain, Active: true,
		},
		group: group,
	})
	u.officers = append(u.officers, k)
	if role == models.RoleLeader {
		u.leaders = append(u.leaders, k)
	}
}

// finish adds the officers beyond the basic roster, then the procedures,
// handler pools and cumulative weights.
func (o *org) finish(cfg Config) {
	var cum []float64
	var idx []int
	total := 0.0
	for i := range o.units {
		if o.units[i].weight > 0 {
			total += o.units[i].weight
			cum = append(cum, total)
			idx = append(idx, i)
		}
	}
	for extra := cfg.Officers - len(o.officers); extra > 0; extra-- {
		i := idx[sort.SearchFloat64s(cum, o.r.Float64()*total)]
		group := groupAny
		if o.units[i].kind == kindCommune {
			group = [...]string{groupTP, groupTP, groupTP, groupDC, groupDC, groupXH, groupOne}[o.r.IntN(7)]
		}
		o.hire(i, extraPosition(o.units[i].kind, group), models.RoleOfficer, group)
	}
	total = 0
	o.ucum = make([]float64, len(o.units))
	for i := range o.units {
		u := &o.units[i]
		total += u.weight
		o.ucum[i] = total
		if u.weight == 0 {
			continue
		}
		pt := 0.0
		for pi := range procedures {
			w := procedures[pi].weights[u.kind]
			if w == 0 {
				continue
			}
			pt += w
			u.procs = append(u.procs, pi)
			u.pcum = append(u.pcum, pt)
			u.pools = append(u.pools, o.pool(i, procedures[pi].group))
		}
		if len(u.oneStop) == 0 {
			u.oneStop = u.pools[0]
		}
	}
}

// pool returns the officers of unit who handle a procedure of group.
func (o *org) pool(unit int, group string) []int {
	u := &o.units[unit]
	var out []int
	for _, k := range u.officers {
		of := &o.officers[k]
		if of.Role == models.RoleOfficer && of.group != groupOne && (u.kind != kindCommune || group == groupAny || of.group == group) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		for _, k := range u.officers {
			if o.officers[k].Role == models.RoleOfficer {
				out = append(out, k)
			}
		}
	}
	if len(out) == 0 {
		out = u.leaders
	}
	return out
}

// pickUnit draws a unit by volume, valid on day.
func (o *org) pickUnit(x float64, day models.Date) int {
	i := sort.SearchFloat64s(o.ucum, x*o.ucum[len(o.ucum)-1])
	for i < len(o.units)-1 && o.units[i].weight == 0 {
		i++
	}
	if !o.units[i].ValidOn(day) {
		i = o.units[i].alt
	}
	return i
}

// person is a generated Vietnamese name.
type person struct{ family, middle, given, full string }

func personName(r *rand.Rand) person {
	x := r.Float64() * familyTotal
	fam := familyNames[len(familyNames)-1].name
	for _, f := range familyNames {
		if x < f.weight {
			fam = f.name
			break
		}
		x -= f.weight
	}
	var p person
	if r.IntN(2) == 0 {
		p = person{fam, maleMiddle[r.IntN(len(maleMiddle))], maleGiven[r.IntN(len(maleGiven))], ""}
	} else {
		p = person{fam, femaleMiddle[r.IntN(len(femaleMiddle))], femaleGiven[r.IntN(len(femaleGiven))], ""}
	}
	p.full = p.family + " " + p.middle + " " + p.given
	return p
}

var familyTotal = func() float64 {
	t := 0.0
	for _, f := range familyNames {
		t += f.weight
	}
	return t
}()

// account is the usual civil-service account name: given name then the
// initials of family and middle names, without diacritics ("annv").
func (p person) account() string {
	f, m := models.Fold(p.family), models.Fold(p.middle)
	return strings.ReplaceAll(models.Fold(p.given), " ", "") + f[:1] + m[:1]
}

// placeGen hands out distinct two-syllable place names in a seeded order.
type placeGen struct {
	names []string
	i     int
}

func placeNames(r *rand.Rand) *placeGen {
	g := &placeGen{}
	for _, a := range placeFirst {
		for _, b := range placeSecond {
			if a != b && a+" "+b != DistrictName {
				g.names = append(g.names, a+" "+b)
			}
		}
	}
	r.Shuffle(len(g.names), func(i, j int) { g.names[i], g.names[j] = g.names[j], g.names[i] })
	return g
}

func (g *placeGen) next() string {
	n := g.names[g.i%len(g.names)]
	if g.i >= len(g.names) {
		n += " " + strconv.Itoa(g.i/len(g.names)+1)
	}
	g.i++
	return n
}
