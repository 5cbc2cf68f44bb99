package benchcmd

import (
	"flag"
	"io"

	"dateline/cmd/dateline/internal/clientcmd"
)

// The command-line helpers every dateline command shares (clientcmd's).
var (
	env        = clientcmd.Env
	newFlagSet = clientcmd.NewFlagSet
	usagef     = clientcmd.Usagef
)

func parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer, wantArgs bool) error {
	return clientcmd.ParseFlags(fs, args, stdout, stderr, wantArgs)
}
