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
	kindSoNNMT                      // Sở Nông nghiệp và Môi trường
	kindSoTC                        // Sở Tài chính
	kindSoXD                        // Sở Xây dựng
	kindSoCT                        // Sở Công Thương
	kindSoGD                        // Sở Giáo dục và Đào tạo
	kindDistrict                    // UBND huyện
	kindOffice                      // Văn phòng HĐND-UBND huyện
	kindOneStop                     // Trung tâm Phục vụ hành chính công huyện (bộ phận một cửa)
	kindTP                          // Phòng Tư pháp
	kindTNMT                        // Phòng Tài nguyên và Môi trường
	kindTCKH                        // Phòng Tài chính - Kế hoạch
	kindLDTBXH                      // Phòng Lao động - Thương binh và Xã hội
	kindKTHT                        // Phòng Kinh tế và Hạ tầng
	kindCommune                     // UBND xã / thị trấn / phường
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

// sub is a child unit of a district or a province.
type subSpec struct {
	kind   unitKind
	suffix string // code suffix after the parent code and a dot
	name   string
	level  string
	weight float64 // dossier volume (0: receives none)
}

var districtSubs = []subSpec{
	{kindOffice, "VP", "Văn phòng HĐND-UBND huyện %s", "phong", 0},
	{kindOneStop, "MC", "Trung tâm Phục vụ hành chính công huyện %s", "phong", 0},
	{kindTP, "TP", "Phòng Tư pháp huyện %s", "phong", 1.0},
	{kindTNMT, "TNMT", "Phòng Tài nguyên và Môi trường huyện %s", "phong", 2.5},
	{kindTCKH, "TCKH", "Phòng Tài chính - Kế hoạch huyện %s", "phong", 0.8},
	{kindLDTBXH, "LDTBXH", "Phòng Lao động - Thương binh và Xã hội huyện %s", "phong", 0.6},
	{kindKTHT, "KTHT", "Phòng Kinh tế và Hạ tầng huyện %s", "phong", 0.6},
}

var provinceSubs = []subSpec{
	{kindProvOffice, "VP", "Văn phòng UBND tỉnh %s", "so", 0},
	{kindProvOneStop, "MC", "Trung tâm Phục vụ hành chính công tỉnh %s", "so", 0},
	{kindSoTP, "STP", "Sở Tư pháp tỉnh %s", "so", 2.0},
	{kindSoNNMT, "SNNMT", "Sở Nông nghiệp và Môi trường tỉnh %s", "so", 4.0},
	{kindSoTC, "STC", "Sở Tài chính tỉnh %s", "so", 2.0},
	{kindSoXD, "SXD", "Sở Xây dựng tỉnh %s", "so", 1.0},
	{kindSoCT, "SCT", "Sở Công Thương tỉnh %s", "so", 0.8},
	{kindSoGD, "SGDDT", "Sở Giáo dục và Đào tạo tỉnh %s", "so", 0.8},
}

// staff is the basic roster of each kind of unit.
var staff = [numKinds][]post{
	kindProvince: {
		{"Chủ tịch UBND tỉnh", "leader", groupAny, 1},
		{"Phó Chủ tịch UBND tỉnh", "leader", groupAny, 2},
	},
	kindProvOffice: {
		{"Chánh Văn phòng", "leader", groupAny, 1},
		{"Chuyên viên Văn phòng UBND tỉnh", "secretariat", groupAny, 2},
		{"Quản trị hệ thống", "admin", groupAdmin, 1},
	},
	kindProvOneStop: {
		{"Giám đốc Trung tâm", "leader", groupAny, 1},
		{"Chuyên viên tiếp nhận và trả kết quả", "secretariat", groupOne, 4},
	},
	kindSoTP:   deptStaff("Sở Tư pháp"),
	kindSoNNMT: deptStaff("Sở Nông nghiệp và Môi trường"),
	kindSoTC:   deptStaff("Sở Tài chính"),
	kindSoXD:   deptStaff("Sở Xây dựng"),
	kindSoCT:   deptStaff("Sở Công Thương"),
	kindSoGD:   deptStaff("Sở Giáo dục và Đào tạo"),
	kindDistrict: {
		{"Chủ tịch UBND huyện", "leader", groupAny, 1},
		{"Phó Chủ tịch UBND huyện", "leader", groupAny, 2},
	},
	kindOffice: {
		{"Chánh Văn phòng HĐND-UBND", "leader", groupAny, 1},
		{"Chuyên viên Văn phòng HĐND-UBND", "secretariat", groupAny, 2},
		{"Chuyên viên công nghệ thông tin", "admin", groupAdmin, 1},
	},
	kindOneStop: {
		{"Giám đốc Trung tâm Phục vụ hành chính công", "leader", groupAny, 1},
		{"Chuyên viên tiếp nhận và trả kết quả", "secretariat", groupOne, 3},
	},
	kindTP:     roomStaff(),
	kindTNMT:   roomStaff(),
	kindTCKH:   roomStaff(),
	kindLDTBXH: roomStaff(),
	kindKTHT:   roomStaff(),
	kindCommune: {
		{"Chủ tịch UBND xã", "leader", groupAny, 1},
		{"Phó Chủ tịch UBND xã", "leader", groupAny, 1},
		{"Công chức Tư pháp - Hộ tịch", "officer", groupTP, 2},
		{"Công chức Địa chính - Xây dựng", "officer", groupDC, 1},
		{"Công chức Văn hóa - Xã hội", "officer", groupXH, 1},
		{"Công chức Văn phòng - Thống kê (bộ phận một cửa)", "officer", groupOne, 1},
	},
}

func deptStaff(name string) []post {
	return []post{
		{"Giám đốc " + name, "leader", groupAny, 1},
		{"Phó Giám đốc " + name, "leader", groupAny, 1},
		{"Chuyên viên", "officer", groupAny, 3},
	}
}

func roomStaff() []post {
	return []post{
		{"Trưởng phòng", "leader", groupAny, 1},
		{"Phó Trưởng phòng", "leader", groupAny, 1},
		{"Chuyên viên", "officer", groupAny, 2},
	}
}

// extraPosition is the position of the officers added beyond the basic
// roster (a larger Config.Officers), by kind and group.
func extraPosition(k unitKind, group string) string {
	if k != kindCommune {
		return "Chuyên viên"
	}
	switch group {
	case groupTP:
		return "Công chức Tư pháp - Hộ tịch"
	case groupDC:
		return "Công chức Địa chính - Xây dựng"
	case groupXH:
		return "Công chức Văn hóa - Xã hội"
	}
	return "Công chức Văn phòng - Thống kê (bộ phận một cửa)"
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
// limits are the statutory ones in working days (0: same day).
var procedures = []procSpec{
	{"2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận", "Chứng thực", 0, groupTP,
		map[unitKind]float64{kindCommune: 40, kindTP: 6}},
	{"2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", 0, groupTP,
		map[unitKind]float64{kindCommune: 12, kindTP: 3}},
	{"1.001193", "Đăng ký khai sinh", "Hộ tịch", 0, groupTP, map[unitKind]float64{kindCommune: 10}},
	{"1.000894", "Đăng ký kết hôn", "Hộ tịch", 0, groupTP, map[unitKind]float64{kindCommune: 4}},
	{"1.000656", "Đăng ký khai tử", "Hộ tịch", 0, groupTP, map[unitKind]float64{kindCommune: 3}},
	{"2.000635", "Cấp bản sao Trích lục hộ tịch", "Hộ tịch", 0, groupTP,
		map[unitKind]float64{kindCommune: 6, kindTP: 1}},
	{"1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 3, groupTP, map[unitKind]float64{kindCommune: 7}},
	{"1.012755", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu", "Đất đai", 30, groupDC,
		map[unitKind]float64{kindTNMT: 3, kindSoNNMT: 1}},
	{"1.012762", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Đất đai", 10, groupDC,
		map[unitKind]float64{kindTNMT: 6, kindSoNNMT: 3}},
	{"1.012790", "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền đối với hộ gia đình, cá nhân", "Đất đai", 15, groupDC,
		map[unitKind]float64{kindTNMT: 2, kindCommune: 0.3}},
	{"2.000720", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", 3, groupAny,
		map[unitKind]float64{kindTCKH: 5}},
	{"2.000575", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", 3, groupAny,
		map[unitKind]float64{kindTCKH: 2}},
	{"1.009994", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Xây dựng", 15, groupDC,
		map[unitKind]float64{kindKTHT: 3, kindCommune: 0.4}},
	{"1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng", "Bảo trợ xã hội", 15, groupXH,
		map[unitKind]float64{kindLDTBXH: 2, kindCommune: 1}},
	{"1.001758", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "Bảo trợ xã hội", 3, groupXH,
		map[unitKind]float64{kindLDTBXH: 1, kindCommune: 0.5}},
	{"2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam", "Lý lịch tư pháp", 10, groupAny,
		map[unitKind]float64{kindSoTP: 5}},
	{"2.001610", "Đăng ký thành lập doanh nghiệp tư nhân", "Thành lập và hoạt động doanh nghiệp", 3, groupAny,
		map[unitKind]float64{kindSoTC: 4}},
	{"1.009974", "Cấp giấy phép xây dựng mới đối với công trình không theo tuyến", "Xây dựng", 20, groupAny,
		map[unitKind]float64{kindSoXD: 2}},
	{"2.000633", "Cấp Giấy phép bán lẻ sản phẩm rượu", "Lưu thông hàng hóa trong nước", 10, groupAny,
		map[unitKind]float64{kindSoCT: 2}},
	{"1.005092", "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "Văn bằng, chứng chỉ", 0, groupAny,
		map[unitKind]float64{kindSoGD: 2}},
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
