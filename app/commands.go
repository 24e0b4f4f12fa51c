package app

// commands is the table of subcommands (each runs from its own file),
// listed by name as `dondoc help` prints them.
var commands = map[string]command{
	"broadcast":  {summary: "gửi kết quả tháng tới các nhóm đơn vị (--month YYYY-MM, --wait 10m, --dry-run)", run: runBroadcast},
	"calendar":   {summary: "lịch ngày làm việc: ngày nghỉ, làm bù, cộng ngày làm việc, âm lịch", run: runCalendar},
	"console":    {summary: "trò chuyện với bot ngay trên terminal: --as <mã cán bộ> [--group <mã đơn vị>]", run: runConsole},
	"demo":       {summary: "tạo tỉnh mẫu (2026) trong dondoc-demo.db (SQLite) và xem thử", run: runDemo},
	"import":     {summary: "nhập tệp xuất từ hệ thống một cửa: units|officers|procedures|dossiers|steps|holidays TỆP (.csv, .xlsx); portal TỆP.json --month YYYY-MM", run: runImport},
	"link":       {summary: "tạo mã kết nối một lần cho cán bộ (hoặc --unit: gắn nhóm với đơn vị)", run: runLink},
	"migrate":    {summary: "cập nhật lược đồ cơ sở dữ liệu (apply database migrations)", run: runMigrate},
	"remind":     {summary: "chạy ngay việc nhắc hồ sơ buổi sáng (--date YYYY-MM-DD, --wait 10m, --dry-run để xem trước)", run: runRemind},
	"report":     {summary: "lập báo cáo kết quả giải quyết hồ sơ của một tháng (text, json, csv, xlsx, html, png)", run: runReport},
	"risk":       {summary: "dự báo nguy cơ trễ hạn của hồ sơ đang mở (risk eval: kiểm tra lại mô hình trên lịch sử)", run: runRisk},
	"sample":     {summary: "ghi dữ liệu mẫu (tỉnh Phú Lâm, 2026, cùng lịch sử trước sắp xếp 2025) thành các tệp CSV xuất từ hệ thống một cửa", run: runSample},
	"serve":      {summary: "chạy dịch vụ: máy chủ web, bot, nhắc việc theo lịch và gửi tin", run: runServe},
	"unassigned": {summary: "liệt kê hồ sơ chưa phân công (cán bộ hoặc đơn vị xử lý chưa có trong danh sách)", run: runUnassigned},
	"units":      {summary: "units template --out units.csv: tệp cơ cấu đơn vị của một tỉnh (cấp, các phòng chuẩn của xã) để điền và nhập", run: runUnits},
}
