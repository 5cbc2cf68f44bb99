package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"dateline"
	"dateline/rates"
)

const ratesUsage = `Usage: dateline rates import [flags] FILE...

Stores official daily exchange rates: the Bank of Russia's XML_daily file
(windows-1251, decimal commas) or the ECB's eurofxref-daily file, told apart
by their content. Each file is one day of one source; importing a day again
replaces it. A file that cannot be read or parsed is named with the reason
on standard error and nothing of it is stored; the rates already stored
stay, the other files are still imported, and the exit status is 1.`

func runRates(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(stdout, ratesUsage)
			return nil
		}
		return usagef(`unknown rates command; use "dateline rates import FILE..."`)
	}
	var sf storeFlags
	fs := newFlagSet("rates import", ratesUsage)
	sf.register(fs)
	if err := parse(fs, args[1:], stdout, stderr, true); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no files given; see dateline rates import --help")
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	rs := store
	refused := 0
	for _, name := range fs.Args() {
		t, changed, err := importRates(ctx, rs, name)
		if err != nil {
			if dateline.ErrorCode(err) == dateline.EINTERNAL && !isFileError(err) {
				return err // the database, not the file
			}
			refused++
			fmt.Fprintf(stderr, "%s: %s\n", name, fileMessage(err))
			continue
		}
		note := ""
		if !changed {
			note = " (already stored)"
		}
		fmt.Fprintf(stdout, "%s %s: %d currencies%s\n", strings.ToUpper(t.Source), t.Date.Format(time.DateOnly), len(t.Rates), note)
	}
	if refused > 0 {
		return fmt.Errorf("%d of %d files refused; the rates stored before are kept", refused, fs.NArg())
	}
	return nil
}

// fileError is a file that could not be read.
type fileError struct{ err error }

func (e fileError) Error() string { return e.err.Error() }

func isFileError(err error) bool {
	var fe fileError
	var re *rates.Error
	return errors.As(err, &fe) || errors.As(err, &re)
}

// fileMessage is the one line that says what is wrong with a file.
func fileMessage(err error) string {
	var re *rates.Error
	if errors.As(err, &re) {
		return re.Message
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return message(err)
}

func importRates(ctx context.Context, rs rates.Store, name string) (*rates.Table, bool, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, false, fileError{err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, rates.MaxSize+1))
	if err != nil {
		return nil, false, fileError{err}
	}
	t, err := rates.Parse(data)
	if err != nil {
		return nil, false, err
	}
	changed, err := rs.SaveRates(ctx, t.Record(time.Now()), time.Now())
	return t, changed, err
}
