package app

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/sample"
)

// runUnits is `dondoc units template --out FILE [--province NAME]
// [--communes N] [--wards N] [--special-zones N] [--no-history] [--force]`:
// it writes the units file a province fills in and imports with `dondoc
// import units`.
func runUnits(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 || args[0] != "template" {
		return usagef("usage: dondoc units template --out units.csv [--province NAME] [--communes N] [--wards N] [--special-zones N] [--no-history] [--force]")
	}
	fs := flag.NewFlagSet("units template", flag.ContinueOnError)
	out := fs.String("out", "units.csv", "file to write (- for standard output)")
	province := fs.String("province", "", "the province's name (default: a placeholder)")
	communes := fs.Int("communes", 2, "example xã to write, each with its four rooms")
	wards := fs.Int("wards", 1, "example phường")
	zones := fs.Int("special-zones", 0, "example đặc khu")
	noHistory := fs.Bool("no-history", false, "leave out the example of a unit ended on 30/6/2025 with its successor")
	force := fs.Bool("force", false, "overwrite an existing file")
	if done, err := parseFlags(a, fs, args[1:], 0); done || err != nil {
		return err
	}
	for _, n := range []int{*communes, *wards, *zones} {
		if n < 0 || n > 5000 {
			return usagef("--communes, --wards and --special-zones must be between 0 and 5000")
		}
	}
	units := sample.Template(sample.TemplateConfig{Province: *province, Communes: *communes, Wards: *wards,
		SpecialZones: *zones, History: !*noHistory})
	if _, err := models.NewUnitTree(units); err != nil {
		return fmt.Errorf("units: template: %w", err)
	}
	var buf bytes.Buffer
	if err := sample.WriteUnitsCSV(&buf, units); err != nil {
		return err
	}
	if *out == "-" {
		_, err := a.stdout.Write(buf.Bytes())
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if *force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(*out, flags, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("units: tệp %s đã có, dùng --force để ghi đè: %w", *out, err)
	}
	if err != nil {
		return fmt.Errorf("units: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("units: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("units: %w", err)
	}
	fmt.Fprintf(a.stdout, "Đã ghi %s: %d đơn vị (UBND tỉnh, %d sở, ban, ngành và đơn vị trực thuộc, %d xã, phường, đặc khu với 4 phòng, trung tâm mỗi đơn vị).\n",
		*out, len(units), countLevel(units, models.PeerDepartment), *communes+*wards+*zones)
	fmt.Fprintf(a.stdout, "Thay mã và tên trong ngoặc vuông bằng mã, tên trên hệ thống của tỉnh, thêm các xã, phường còn lại theo mẫu, rồi nhập: dondoc import units %s\n", *out)
	return nil
}

func countLevel(units []models.Unit, c models.PeerClass) int {
	n := 0
	for _, u := range units {
		if models.PeerClassOf(u.Level) == c {
			n++
		}
	}
	return n
}
