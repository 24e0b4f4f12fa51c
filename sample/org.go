package sample

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
)

// Names of the sample's fictional province and of its old district (the
// district level ended on 30 June 2025; its seat is now a phường of that
// name).
const (
	ProvinceName = "Phú Lâm"
	DistrictName = "Bình Minh"
)

// The reorganisations of 2025: the provincial departments merged on
// 1 March 2025, the districts ended and the communes merged on 1 July 2025.
var (
	deptLastDay   = models.NewDate(2025, time.February, 28)
	deptFirstDay  = models.NewDate(2025, time.March, 1)
	mergeLastDay  = models.NewDate(2025, time.June, 30)
	mergeFirstDay = models.NewDate(2025, time.July, 1)
	// historyFirstDay is the first day of the dossiers kept from before
	// the reform, when the recent months do not reach back to it.
	historyFirstDay = models.NewDate(2025, time.February, 3)
)

type orgUnit struct {
	models.Unit
	kind     unitKind
	word     string  // "xã", "phường", "đặc khu" for a commune-level unit and its rooms
	weight   float64 // dossier volume; 0: receives none
	procs    []int   // indices in procedures
	pcum     []float64
	pools    [][]int // handler officers per procedure
	officers []int
	leaders  []int
	oneStop  []int // who receives and returns its dossiers (possibly another unit's staff)
	// home is, for a unit ended in 2025 (it has no staff in 2026), the
	// unit whose people handled its dossiers, by field group.
	home map[string]int
}

type orgOfficer struct {
	models.Officer
	group string
}

type org struct {
	units    []orgUnit
	officers []orgOfficer
	eras     []models.Date // first days of the periods in which the set of valid units is constant
	ecum     [][]float64   // per era (index: number of eras started by the day), cumulative weights; built lazily
	used     map[string]int
	r        *rand.Rand
	domain   string // of the officers' e-mail addresses
	index    map[string]int
}

// sliceSubs are the provincial bodies of the small sample (a province
// slice: a few Sở); a full province has all of provinceSubs.
var sliceSubs = map[string]bool{"VP": true, "TTPVHCC": true, "STP": true, "SNV": true, "STC": true,
	"SNNMT": true, "SXD": true, "CA": true, "SLDTBXH": true, "STNMT": true, "SKHDT": true}

// buildOrg makes the province of 2026: UBND tỉnh, its bodies and Sở, and
// cfg.Units commune-level units each with its four rooms; every block of
// communesPerDistrict communes had an old district, whose communes merged
// three into one into the block's first four (the first a phường at the
// district's seat). The old district, its rooms and its communes are kept
// as history ending on 30/6/2025 with their successors.
func buildOrg(cfg Config, r *rand.Rand) *org {
	o := &org{r: r, used: map[string]int{}, domain: "phulam.gov.vn", index: map[string]int{}}
	places := placeNames(r)
	o.add(kindProvince, "T01", "UBND tỉnh "+ProvinceName, models.LevelProvince, "", 0)
	full := cfg.Units > 15
	subs := map[string]int{}
	for _, s := range provinceSubs {
		if !full && !sliceSubs[s.suffix] {
			continue
		}
		i := o.add(s.kind, "T01."+s.suffix, fmt.Sprintf(s.name, ProvinceName), s.level, "T01", s.weight*(0.7+0.6*r.Float64()))
		subs[s.suffix] = i
		if s.kind == kindSoNNMT {
			o.units[i].ValidFrom = deptFirstDay
			j := o.add(landOffice.kind, o.units[i].Code+"."+landOffice.suffix, fmt.Sprintf(landOffice.name, ProvinceName),
				landOffice.level, o.units[i].Code, landOffice.weight*(0.7+0.6*r.Float64()))
			o.units[j].ValidFrom = deptFirstDay
		}
	}
	for _, s := range provinceSubs {
		if i, ok := subs[s.suffix]; ok && s.succ != "" {
			o.units[i].ValidTo = deptLastDay
			if j, ok := subs[s.succ]; ok {
				o.units[i].SuccessorCode = o.units[j].Code
				o.units[i].home = map[string]int{groupAny: j}
			}
		}
	}
	n := max(cfg.Units, 1)
	width := 2
	if n >= 100 {
		width = 3
	}
	for first := 0; first < n; first += communesPerDistrict {
		last := min(n, first+communesPerDistrict)
		dname := DistrictName
		if first > 0 {
			dname = places.next()
		}
		var merged []int
		for c := first; c < last; c++ {
			code := fmt.Sprintf("X%0*d", width, c+1)
			word, name, w := "xã", places.next(), 0.6+1.0*r.Float64()
			switch {
			case c == first:
				word, name, w = "phường", dname, 1.8
			case c == n-1 && n >= 10:
				word = "đặc khu"
			case c-first < mergedPerDistrict:
				w = 1.2 + 0.8*r.Float64()
			}
			i := o.commune(code, word, name, w)
			if c-first < mergedPerDistrict {
				merged = append(merged, i)
			}
		}
		o.district(fmt.Sprintf("H%02d", first/communesPerDistrict+1), dname, merged, places)
	}
	o.staffAll()
	o.finish(cfg)
	return o
}

// commune adds a commune-level unit (from 1/7/2025) with its rooms.
func (o *org) commune(code, word, name string, weight float64) int {
	label := word + " " + name
	level := map[string]string{"xã": models.LevelCommune, "phường": models.LevelWard, "đặc khu": models.LevelSpecialZone}[word]
	i := o.add(kindCommune, code, "UBND "+label, level, "T01", 0)
	o.units[i].ValidFrom, o.units[i].word = mergeFirstDay, word
	for _, s := range communeSubs {
		format := s.name
		if s.kind == kindCommEcon && word == "phường" {
			format = wardEconName
		}
		j := o.add(s.kind, code+"."+s.suffix, fmt.Sprintf(format, label), s.level, code, s.weight*weight)
		o.units[j].ValidFrom, o.units[j].word = mergeFirstDay, word
	}
	return i
}

// communeShares split a commune's volume between its rooms.
var communeShares = map[unitKind]float64{kindCommOffice: 0.65, kindCommEcon: 0.22, kindCommSocial: 0.13}

// district adds an old district with its rooms and three old communes for
// each commune of merged (the first of them the district's thị trấn), all
// ended on 30/6/2025.
func (o *org) district(code, name string, merged []int, places *placeGen) {
	h := o.add(kindDistrict, code, "UBND huyện "+name, models.LevelDistrict, "T01", 0)
	o.units[h].ValidTo = mergeLastDay
	if len(merged) == 0 {
		return
	}
	seat := o.units[merged[0]].Code
	for _, s := range districtSubs {
		i := o.add(s.kind, code+"."+s.suffix, fmt.Sprintf(s.name, name), s.level, code, s.weight*(0.7+0.6*o.r.Float64()))
		succ := o.index[seat+"."+s.succ]
		o.units[i].ValidTo, o.units[i].SuccessorCode = mergeLastDay, o.units[succ].Code
		o.units[i].home = map[string]int{groupAny: succ}
	}
	k := 0
	for _, m := range merged {
		mc := o.units[m].Code
		home := map[string]int{groupAny: o.index[mc+".VP"], groupTP: o.index[mc+".VP"],
			groupDC: o.index[mc+".KT"], groupXH: o.index[mc+".VHXH"], groupOne: o.index[mc+".TTPVHCC"]}
		for range 3 {
			k++
			name, level, w := "UBND xã "+places.next(), models.LevelCommune, 0.5+0.5*o.r.Float64()
			if k == 1 {
				name, level, w = "UBND thị trấn "+o.units[h].Name[len("UBND huyện "):], models.LevelTownship, 1.0
			}
			i := o.add(kindOldCommune, fmt.Sprintf("%s.X%02d", code, k), name, level, code, w)
			o.units[i].ValidTo, o.units[i].SuccessorCode, o.units[i].home = mergeLastDay, mc, home
		}
	}
}

func (o *org) add(k unitKind, code, name, level, parent string, weight float64) int {
	if share, ok := communeShares[k]; ok {
		weight *= share
	}
	o.units = append(o.units, orgUnit{
		Unit: models.Unit{Code: code, Name: name, Level: level, ParentCode: parent},
		kind: k, weight: weight,
	})
	o.index[code] = len(o.units) - 1
	return len(o.units) - 1
}

// staffAll gives every unit of 2026 its basic roster and wires each unit
// to the one-stop centre that receives its dossiers.
func (o *org) staffAll() {
	for i := range o.units {
		for _, p := range staff[o.units[i].kind] {
			pos := p.position
			if strings.Contains(pos, "%s") {
				pos = fmt.Sprintf(pos, o.units[i].word)
			}
			for range p.count {
				o.hire(i, pos, models.Role(p.role), p.group)
			}
		}
	}
	provStop := o.unitStaff(o.index["T01.TTPVHCC"], groupOne)
	for i := range o.units {
		u := &o.units[i]
		switch {
		case u.home != nil:
			h := u.home[groupOne]
			if _, ok := u.home[groupOne]; !ok {
				h = u.home[groupAny]
			}
			if k, ok := o.stopOf(h); ok {
				u.oneStop = o.unitStaff(k, groupOne)
			} else {
				u.oneStop = provStop
			}
			u.leaders = o.units[h].leaders
		case u.ParentCode != "":
			if k, ok := o.stopOf(i); ok {
				u.oneStop = o.unitStaff(k, groupOne)
			} else {
				u.oneStop = provStop
			}
		}
	}
}

// stopOf returns the commune one-stop centre of unit i, when i is a
// commune's room (or the centre itself).
func (o *org) stopOf(i int) (int, bool) {
	u := &o.units[i]
	switch u.kind {
	case kindCommOffice, kindCommEcon, kindCommSocial, kindCommOneStop:
		k, ok := o.index[u.ParentCode+".TTPVHCC"]
		return k, ok
	}
	return 0, false
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
// code (given name + initials + unit, e.g. "annv.x05vp").
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
// handler pools and the validity eras.
func (o *org) finish(cfg Config) {
	var cum []float64
	var idx []int
	total := 0.0
	for i := range o.units {
		if o.units[i].weight > 0 && o.units[i].home == nil && len(o.units[i].officers) > 0 {
			total += o.units[i].weight
			cum = append(cum, total)
			idx = append(idx, i)
		}
	}
	for extra := cfg.Officers - len(o.officers); extra > 0 && total > 0; extra-- {
		i := idx[min(sort.SearchFloat64s(cum, o.r.Float64()*total), len(idx)-1)]
		k := o.units[i].kind
		o.hire(i, extraPosition(k), models.RoleOfficer, extraGroup(k))
	}
	bounds := map[models.Date]bool{}
	for i := range o.units {
		u := &o.units[i]
		if u.ValidFrom != models.NoDate {
			bounds[u.ValidFrom] = true
		}
		if u.ValidTo != models.NoDate {
			bounds[u.ValidTo+1] = true
		}
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
		if len(u.procs) == 0 {
			u.weight = 0
			continue
		}
		if len(u.oneStop) == 0 {
			u.oneStop = u.pools[0]
		}
		if len(u.leaders) == 0 {
			u.leaders = u.pools[0]
		}
	}
	for d := range bounds {
		o.eras = append(o.eras, d)
	}
	slices.Sort(o.eras)
	o.ecum = make([][]float64, len(o.eras)+1)
}

// pool returns the officers who handle a procedure of group for unit: its
// own, or for a unit ended in 2025 those of its home unit.
func (o *org) pool(unit int, group string) []int {
	u := &o.units[unit]
	if u.home != nil {
		h, ok := u.home[group]
		if !ok {
			h = u.home[groupAny]
		}
		return o.pool(h, group)
	}
	var exact, any []int
	for _, k := range u.officers {
		of := &o.officers[k]
		if of.Role != models.RoleOfficer || of.group == groupOne {
			continue
		}
		any = append(any, k)
		if group != groupAny && of.group == group {
			exact = append(exact, k)
		}
	}
	switch {
	case len(exact) > 0:
		return exact
	case len(any) > 0:
		return any
	}
	for _, k := range u.officers {
		if o.officers[k].Role == models.RoleOfficer {
			any = append(any, k)
		}
	}
	if len(any) == 0 {
		any = u.leaders
	}
	return any
}

// pickUnit draws a unit by volume among the units valid on day.
func (o *org) pickUnit(x float64, day models.Date) int {
	e, _ := slices.BinarySearch(o.eras, day+1)
	cum := o.ecum[e]
	if cum == nil {
		cum = make([]float64, len(o.units))
		t := 0.0
		for i := range o.units {
			if u := &o.units[i]; u.weight > 0 && u.ValidOn(day) {
				t += u.weight
			}
			cum[i] = t
		}
		o.ecum[e] = cum
	}
	i := sort.SearchFloat64s(cum, x*cum[len(cum)-1])
	for i < len(o.units)-1 && (o.units[i].weight == 0 || !o.units[i].ValidOn(day)) {
		i++
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
