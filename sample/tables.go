package sample

// The fixed tables the generator draws from: Vietnamese names, commune
// names, the kinds of unit with their staff, and the procedures each kind
// settles. Everything here is fictional but shaped like the real thing.

// unitKind is what a unit does; it decides its staff and its procedures.
type unitKind uint8

const (
	kindProvince    unitKind = iota // UBND tỉnh
	kindProvOffice                  // Văn phòng UBND tỉnh
	kindProvOneStop                 // Trung tâm Phục vụ hành chính công tỉnh
	kindSoTP                        // Sở Tư pháp
	kindSoNV                        // Sở Nội vụ (labour affairs since 1/3/2025)
	kindSoTC                        // Sở Tài chính (planning and investment since 1/3/2025)
	kindSoNNMT                      // Sở Nông nghiệp và Môi trường
	kindVPDK                        // Văn phòng Đăng ký đất đai (of the Sở Nông nghiệp và Môi trường)
	kindSoXD                        // Sở Xây dựng
	kindSoYT                        // Sở Y tế
	kindSoGD                        // Sở Giáo dục và Đào tạo
	kindSoCT                        // Sở Công Thương
	kindSoKHCN                      // Sở Khoa học và Công nghệ
	kindSoVH                        // Sở Văn hóa, Thể thao và Du lịch
	kindSoDTTG                      // Sở Dân tộc và Tôn giáo
	kindPolice                      // Công an tỉnh (criminal-record certificates since 1/3/2025)
	kindOldLD                       // Sở Lao động - Thương binh và Xã hội, until 28/2/2025
	kindOldTNMT                     // Sở Tài nguyên và Môi trường, until 28/2/2025
	kindOldKHDT                     // Sở Kế hoạch và Đầu tư, until 28/2/2025
	kindCommune                     // UBND xã / phường / đặc khu (its leaders)
	kindCommOffice                  // Văn phòng HĐND và UBND (tư pháp, hộ tịch, chứng thực)
	kindCommEcon                    // Phòng Kinh tế (Kinh tế, Hạ tầng và Đô thị in a phường)
	kindCommSocial                  // Phòng Văn hóa - Xã hội
	kindCommOneStop                 // Trung tâm Phục vụ hành chính công of the commune
	kindDistrict                    // UBND huyện, until 30/6/2025
	kindOffice                      // Văn phòng HĐND-UBND huyện, until 30/6/2025
	kindOneStop                     // Bộ phận một cửa huyện, until 30/6/2025
	kindTP                          // Phòng Tư pháp huyện, until 30/6/2025
	kindTNMT                        // Phòng Tài nguyên và Môi trường huyện, until 30/6/2025
	kindTCKH                        // Phòng Tài chính - Kế hoạch huyện, until 30/6/2025
	kindLDTBXH                      // Phòng Lao động - Thương binh và Xã hội huyện, until 30/6/2025
	kindKTHT                        // Phòng Kinh tế và Hạ tầng huyện, until 30/6/2025
	kindOldCommune                  // UBND xã / thị trấn before the merger, until 30/6/2025
	numKinds
)

// Officer field groups: who in a unit handles which field.
const (
	groupAny   = ""
	groupTP    = "tp" // Tư pháp - Hộ tịch, Chứng thực
	groupDC    = "dc" // Địa chính - Xây dựng
	groupXH    = "xh" // Văn hóa - Xã hội, Bảo trợ xã hội
	groupOne   = "mc" // một cửa: receives and returns
	groupAdmin = "qt"
)

// post is one seat of a unit's basic staff.
type post struct {
	position string
	role     string // officer, leader, secretariat, admin
	group    string
	count    int
}

// subSpec is a child unit of a province, a commune or an old district.
type subSpec struct {
	kind   unitKind
	suffix string // code suffix after the parent code and a dot
	name   string
	level  string
	weight float64 // dossier volume (0: receives none)
	// succ names, for a unit ended by a reform, the code suffix of its
	// successor: a sibling for a Sở ("SNV"), a sub-unit of the commune at
	// the old district's seat for a district room ("KT").
	succ string
}

// provinceSubs are the province's bodies and the Sở of the 2025
// reorganisation (Decree 45/2025/NĐ-CP), the provincial police (which
// issues criminal-record certificates), and the Sở merged on 1 March 2025
// kept as history.
var provinceSubs = []subSpec{
	{kindProvOffice, "VP", "Văn phòng UBND tỉnh %s", "so", 0, ""},
	{kindProvOneStop, "TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh %s", "so", 0, ""},
	{kindSoTP, "STP", "Sở Tư pháp tỉnh %s", "so", 0.4, ""},
	{kindSoNV, "SNV", "Sở Nội vụ tỉnh %s", "so", 0.5, ""},
	{kindSoTC, "STC", "Sở Tài chính tỉnh %s", "so", 0.8, ""},
	{kindSoNNMT, "SNNMT", "Sở Nông nghiệp và Môi trường tỉnh %s", "so", 0.3, ""},
	{kindSoXD, "SXD", "Sở Xây dựng tỉnh %s", "so", 0.4, ""},
	{kindSoYT, "SYT", "Sở Y tế tỉnh %s", "so", 0.4, ""},
	{kindSoGD, "SGDDT", "Sở Giáo dục và Đào tạo tỉnh %s", "so", 0.3, ""},
	{kindSoCT, "SCT", "Sở Công Thương tỉnh %s", "so", 0.3, ""},
	{kindSoKHCN, "SKHCN", "Sở Khoa học và Công nghệ tỉnh %s", "so", 0.15, ""},
	{kindSoVH, "SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch tỉnh %s", "so", 0.15, ""},
	{kindSoDTTG, "SDTTG", "Sở Dân tộc và Tôn giáo tỉnh %s", "so", 0.1, ""},
	{kindPolice, "CA", "Công an tỉnh %s", "so", 0.8, ""},
	{kindOldLD, "SLDTBXH", "Sở Lao động - Thương binh và Xã hội tỉnh %s", "so", 0.5, "SNV"},
	{kindOldTNMT, "STNMT", "Sở Tài nguyên và Môi trường tỉnh %s", "so", 1.0, "SNNMT"},
	{kindOldKHDT, "SKHDT", "Sở Kế hoạch và Đầu tư tỉnh %s", "so", 0.8, "STC"},
}

// landOffice is the land registration office under the Sở Nông nghiệp và
// Môi trường.
var landOffice = subSpec{kindVPDK, "VPDK", "Văn phòng Đăng ký đất đai tỉnh %s", "phong", 1.2, ""}

// communeSubs are the sub-units of every commune-level unit since 1 July
// 2025 (Decree 150/2025/NĐ-CP). %s is "xã Tân Lập", "phường Bình Minh"…
var communeSubs = []subSpec{
	{kindCommOffice, "VP", "Văn phòng HĐND và UBND %s", "phong", 1.0, ""},
	{kindCommEcon, "KT", "Phòng Kinh tế %s", "phong", 1.0, ""},
	{kindCommSocial, "VHXH", "Phòng Văn hóa - Xã hội %s", "phong", 1.0, ""},
	{kindCommOneStop, "TTPVHCC", "Trung tâm Phục vụ hành chính công %s", "phong", 0, ""},
}

// wardEconName is the economic room of a phường.
const wardEconName = "Phòng Kinh tế, Hạ tầng và Đô thị %s"

// districtSubs are an old district's rooms, ended on 30 June 2025; succ is
// the sub-unit of the commune at the district's seat that took over their
// open dossiers.
var districtSubs = []subSpec{
	{kindOffice, "VP", "Văn phòng HĐND và UBND huyện %s", "phong", 0, "VP"},
	{kindOneStop, "MC", "Bộ phận Tiếp nhận và Trả kết quả huyện %s", "phong", 0, "TTPVHCC"},
	{kindTP, "TP", "Phòng Tư pháp huyện %s", "phong", 1.0, "VP"},
	{kindTNMT, "TNMT", "Phòng Tài nguyên và Môi trường huyện %s", "phong", 2.5, "KT"},
	{kindTCKH, "TCKH", "Phòng Tài chính - Kế hoạch huyện %s", "phong", 0.8, "KT"},
	{kindLDTBXH, "LDTBXH", "Phòng Lao động - Thương binh và Xã hội huyện %s", "phong", 0.6, "VHXH"},
	{kindKTHT, "KTHT", "Phòng Kinh tế và Hạ tầng huyện %s", "phong", 0.6, "KT"},
}

// staff is the basic roster of each kind of unit that has staff of its
// own in 2026; the units ended in 2025 have none (their dossiers were
// handled by the people who now work in their successors).
var staff = [numKinds][]post{
	kindProvince: {
		{"Chủ tịch UBND tỉnh", "leader", groupAny, 1},
		{"Phó Chủ tịch UBND tỉnh", "leader", groupAny, 2},
	},
	kindProvOffice: {
		{"Chánh Văn phòng UBND tỉnh", "leader", groupAny, 1},
		{"Chuyên viên Văn phòng UBND tỉnh", "secretariat", groupAny, 2},
		{"Quản trị hệ thống", "admin", groupAdmin, 1},
	},
	kindProvOneStop: {
		{"Giám đốc Trung tâm Phục vụ hành chính công tỉnh", "leader", groupAny, 1},
		{"Chuyên viên tiếp nhận và trả kết quả", "secretariat", groupOne, 4},
	},
	kindSoTP:   deptStaff("Sở Tư pháp"),
	kindSoNV:   deptStaff("Sở Nội vụ"),
	kindSoTC:   deptStaff("Sở Tài chính"),
	kindSoNNMT: deptStaff("Sở Nông nghiệp và Môi trường"),
	kindVPDK: {
		{"Giám đốc Văn phòng Đăng ký đất đai", "leader", groupAny, 1},
		{"Phó Giám đốc Văn phòng Đăng ký đất đai", "leader", groupAny, 1},
		{"Chuyên viên đăng ký đất đai", "officer", groupAny, 4},
	},
	kindSoXD:   deptStaff("Sở Xây dựng"),
	kindSoYT:   deptStaff("Sở Y tế"),
	kindSoGD:   deptStaff("Sở Giáo dục và Đào tạo"),
	kindSoCT:   deptStaff("Sở Công Thương"),
	kindSoKHCN: deptStaff("Sở Khoa học và Công nghệ"),
	kindSoVH:   deptStaff("Sở Văn hóa, Thể thao và Du lịch"),
	kindSoDTTG: deptStaff("Sở Dân tộc và Tôn giáo"),
	kindPolice: {
		{"Giám đốc Công an tỉnh", "leader", groupAny, 1},
		{"Phó Giám đốc Công an tỉnh", "leader", groupAny, 1},
		{"Cán bộ Phòng Hồ sơ nghiệp vụ", "officer", groupAny, 3},
	},
	kindCommune: {
		{"Chủ tịch UBND %s", "leader", groupAny, 1},
		{"Phó Chủ tịch UBND %s", "leader", groupAny, 2},
	},
	kindCommOffice: {
		{"Chánh Văn phòng HĐND và UBND", "leader", groupAny, 1},
		{"Chuyên viên tư pháp - hộ tịch", "officer", groupTP, 2},
		{"Chuyên viên văn phòng", "officer", groupAny, 1},
	},
	kindCommEcon: {
		{"Trưởng phòng", "leader", groupAny, 1},
		{"Chuyên viên địa chính - xây dựng", "officer", groupDC, 2},
	},
	kindCommSocial: {
		{"Trưởng phòng", "leader", groupAny, 1},
		{"Chuyên viên văn hóa - xã hội", "officer", groupXH, 2},
	},
	kindCommOneStop: {
		{"Giám đốc Trung tâm Phục vụ hành chính công", "leader", groupAny, 1},
		{"Chuyên viên tiếp nhận và trả kết quả", "officer", groupOne, 2},
	},
}

func deptStaff(name string) []post {
	return []post{
		{"Giám đốc " + name, "leader", groupAny, 1},
		{"Phó Giám đốc " + name, "leader", groupAny, 1},
		{"Chuyên viên", "officer", groupAny, 3},
	}
}

// extraPosition is the position of the officers added beyond the basic
// roster (a larger Config.Officers), by kind.
func extraPosition(k unitKind) string {
	switch k {
	case kindCommOffice:
		return "Chuyên viên tư pháp - hộ tịch"
	case kindCommEcon:
		return "Chuyên viên địa chính - xây dựng"
	case kindCommSocial:
		return "Chuyên viên văn hóa - xã hội"
	}
	return "Chuyên viên"
}

// extraGroup is the field group of an extra officer of kind.
func extraGroup(k unitKind) string {
	switch k {
	case kindCommOffice:
		return groupTP
	case kindCommEcon:
		return groupDC
	case kindCommSocial:
		return groupXH
	}
	return groupAny
}

// procSpec is a procedure and the kinds of unit that settle it, with the
// share of the unit's volume.
type procSpec struct {
	code, name, field string
	limit             int
	group             string // officers of this group handle it (communes)
	weights           map[unitKind]float64
}

// procedures: codes are in the national database's style (x.00xxxx); the
// limits are the statutory ones in working days (0: same day). Each is
// settled where it is since 2025: civil status and certification at the
// commune's Văn phòng, household businesses, land use changes and house
// building permits at its Phòng Kinh tế, social allowances at its Phòng
// Văn hóa - Xã hội; criminal-record certificates at the provincial police;
// the district rooms and old communes settled them until 30/6/2025.
var procedures = []procSpec{
	{"2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận", "Chứng thực", 0, groupTP,
		map[unitKind]float64{kindCommOffice: 40, kindOldCommune: 40, kindTP: 6}},
	{"2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", 0, groupTP,
		map[unitKind]float64{kindCommOffice: 12, kindOldCommune: 12, kindTP: 3}},
	{"1.001193", "Đăng ký khai sinh", "Hộ tịch", 0, groupTP, map[unitKind]float64{kindCommOffice: 10, kindOldCommune: 10}},
	{"1.000894", "Đăng ký kết hôn", "Hộ tịch", 0, groupTP, map[unitKind]float64{kindCommOffice: 4, kindOldCommune: 4}},
	{"1.000656", "Đăng ký khai tử", "Hộ tịch", 0, groupTP, map[unitKind]float64{kindCommOffice: 3, kindOldCommune: 3}},
	{"2.000635", "Cấp bản sao Trích lục hộ tịch", "Hộ tịch", 0, groupTP,
		map[unitKind]float64{kindCommOffice: 6, kindOldCommune: 6, kindTP: 1}},
	{"1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 3, groupTP, map[unitKind]float64{kindCommOffice: 7, kindOldCommune: 7}},
	{"1.012755", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu", "Đất đai", 30, groupDC,
		map[unitKind]float64{kindVPDK: 3, kindTNMT: 3, kindOldTNMT: 1}},
	{"1.012762", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai", 10, groupDC,
		map[unitKind]float64{kindVPDK: 6, kindTNMT: 6, kindOldTNMT: 3}},
	{"1.012790", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền đối với hộ gia đình, cá nhân", "Đất đai", 15, groupDC,
		map[unitKind]float64{kindCommEcon: 2, kindTNMT: 2, kindOldCommune: 0.3}},
	{"2.000720", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", 3, groupDC,
		map[unitKind]float64{kindCommEcon: 5, kindTCKH: 5}},
	{"2.000575", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", 3, groupDC,
		map[unitKind]float64{kindCommEcon: 2, kindTCKH: 2}},
	{"1.009994", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Xây dựng", 15, groupDC,
		map[unitKind]float64{kindCommEcon: 3, kindKTHT: 3, kindOldCommune: 0.4}},
	{"1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng", "Bảo trợ xã hội", 15, groupXH,
		map[unitKind]float64{kindCommSocial: 3, kindLDTBXH: 2, kindOldCommune: 1}},
	{"1.001758", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "Bảo trợ xã hội", 3, groupXH,
		map[unitKind]float64{kindCommSocial: 1.5, kindLDTBXH: 1, kindOldCommune: 0.5}},
	{"2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam", "Lý lịch tư pháp", 10, groupAny,
		map[unitKind]float64{kindPolice: 5}},
	{"1.001877", "Đăng ký hoạt động Văn phòng công chứng", "Công chứng", 10, groupAny,
		map[unitKind]float64{kindSoTP: 2}},
	{"1.012010", "Giải quyết chế độ ưu đãi đối với thân nhân liệt sĩ", "Người có công", 15, groupAny,
		map[unitKind]float64{kindSoNV: 2, kindOldLD: 2}},
	{"1.000459", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", "Việc làm", 5, groupAny,
		map[unitKind]float64{kindSoNV: 1, kindOldLD: 1}},
	{"2.001610", "Đăng ký thành lập doanh nghiệp tư nhân", "Thành lập và hoạt động doanh nghiệp", 3, groupAny,
		map[unitKind]float64{kindSoTC: 4, kindOldKHDT: 4}},
	{"1.004232", "Cấp giấy phép khai thác nước dưới đất", "Tài nguyên nước", 15, groupAny,
		map[unitKind]float64{kindSoNNMT: 1, kindOldTNMT: 1}},
	{"1.009974", "Cấp giấy phép xây dựng mới đối với công trình không theo tuyến", "Xây dựng", 20, groupAny,
		map[unitKind]float64{kindSoXD: 2}},
	{"1.012250", "Cấp giấy phép hành nghề khám bệnh, chữa bệnh", "Khám bệnh, chữa bệnh", 20, groupAny,
		map[unitKind]float64{kindSoYT: 2}},
	{"2.000633", "Cấp Giấy phép bán lẻ sản phẩm rượu", "Lưu thông hàng hóa trong nước", 10, groupAny,
		map[unitKind]float64{kindSoCT: 2}},
	{"1.005092", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "Văn bằng, chứng chỉ", 0, groupAny,
		map[unitKind]float64{kindSoGD: 2}},
	{"1.003829", "Cấp giấy phép bưu chính", "Bưu chính", 10, groupAny,
		map[unitKind]float64{kindSoKHCN: 1}},
	{"1.004628", "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", "Lữ hành", 10, groupAny,
		map[unitKind]float64{kindSoVH: 1}},
	{"1.001090", "Đăng ký sinh hoạt tôn giáo tập trung", "Tôn giáo", 20, groupAny,
		map[unitKind]float64{kindSoDTTG: 1}},
}

// Family names with their approximate share of the population.
var familyNames = []struct {
	name   string
	weight float64
}{
	{"Nguyễn", 38}, {"Trần", 11}, {"Lê", 9.5}, {"Phạm", 7}, {"Hoàng", 3}, {"Huỳnh", 2.5},
	{"Phan", 4.5}, {"Vũ", 2.5}, {"Võ", 2}, {"Đặng", 2.1}, {"Bùi", 2}, {"Đỗ", 1.4}, {"Hồ", 1.3},
	{"Ngô", 1.3}, {"Dương", 1}, {"Lý", 0.5}, {"Đinh", 0.6}, {"Trương", 0.6}, {"Lương", 0.4}, {"Mai", 0.4},
}

var (
	maleMiddle   = []string{"Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Ngọc", "Đình", "Anh", "Trọng", "Tiến"}
	maleGiven    = []string{"An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hiếu", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Đạt", "Huy", "Kiên", "Lâm", "Minh", "Nghĩa", "Phúc", "Tài", "Thành", "Toàn", "Lộc", "Hoàng"}
	femaleMiddle = []string{"Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Phương", "Bích", "Hồng", "Thùy", "Khánh"}
	femaleGiven  = []string{"Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Quỳnh", "Tâm", "Thảo", "Thủy", "Trang", "Tuyết", "Uyên", "Vân", "Yến", "Hiền"}
)

// Commune names are made of two syllables from these lists.
var (
	placeFirst  = []string{"An", "Bình", "Tân", "Phú", "Hòa", "Đông", "Tây", "Nam", "Bắc", "Minh", "Quảng", "Hưng", "Nghĩa", "Xuân", "Thanh", "Vĩnh", "Hợp", "Đại", "Kim", "Phúc", "Cẩm", "Yên", "Long", "Thịnh", "Hải", "Trung", "Lạc", "Thuận", "Đức", "Mỹ"}
	placeSecond = []string{"An", "Bình", "Lợi", "Thịnh", "Phú", "Hòa", "Sơn", "Thành", "Tiến", "Hưng", "Lâm", "Khánh", "Trung", "Hải", "Đức", "Xuân", "Phong", "Điền"}
)

// Account names for handlers dondoc does not know (the "unassigned" case).
var unknownHandlers = []string{"motcua.cu", "cv.nghihuu", "nguoidung.tamthoi", "tiepnhan.tructuyen"}

// Step names of the internal process of a multi-day procedure.
var stepNames = [4]string{"Tiếp nhận hồ sơ", "Thẩm định, xử lý hồ sơ", "Lãnh đạo ký duyệt", "Trả kết quả"}
