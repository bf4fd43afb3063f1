package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"simdesk/providers/sim"
)

func runSim(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8765", "loopback address to listen on")
	latency := fs.Duration("latency", 0, "delay every answer by this much")
	errRate := fs.Float64("error-rate", 0, "fraction of calls answered with a 5xx (0..1)")
	seed := fs.Int64("seed", 1, "seed for generated data and injected faults")
	pos, err := parse(fs, args)
	if err != nil {
		return fail(env, err)
	}
	if err := noArgs("sim", pos); err != nil {
		return fail(env, err)
	}
	if *latency < 0 || *latency > 10*time.Minute {
		return fail(env, usageErr("--latency must be between 0 and 10m"))
	}
	if *errRate < 0 || *errRate > 1 || *errRate != *errRate {
		return fail(env, usageErr("--error-rate must be a fraction between 0 and 1"))
	}
	srv := sim.New(sim.Options{Latency: *latency, ErrorRate: *errRate, Seed: *seed})
	if err := srv.Start(*addr); err != nil {
		return fail(env, usageErr("cannot listen on %s: %v", *addr, err))
	}
	defer srv.Close()
	u := srv.URL()
	fmt.Fprintf(env.Stdout, "simdesk simulator listening on %s (latency %s, error rate %.2f, seed %d)\n\n", u, *latency, *errRate, *seed)
	fmt.Fprintf(env.Stdout, "  Orange Travel B2B  %s/orange/travel-b2b/v1   token %s/orange/oauth/v3/token\n", u, u)
	fmt.Fprintf(env.Stdout, "  LLA dxp-ux         %s/lla/dxp-ux/v1\n", u)
	fmt.Fprintf(env.Stdout, "  LLA cisco-cvp-ux   %s/lla/cisco-cvp-ux/v1\n", u)
	fmt.Fprintf(env.Stdout, "  TMF654 top-ups     %s%s\n", u, sim.TMF654BasePath)
	fmt.Fprintf(env.Stdout, "  credentials        client id %s, secret %s\n\n", sim.ClientID, sim.ClientSecret)
	fmt.Fprintln(env.Stdout, "# config.toml pointing at this simulator:")
	fmt.Fprintln(env.Stdout, simDemoConfig(srv.ConfigTOML()))
	<-ctx.Done()
	fmt.Fprintln(env.Stdout, "simulator stopped")
	return ExitOK
}
