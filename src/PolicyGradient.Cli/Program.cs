using PolicyGradient.Cli;

// Pin MKL's kernel choice before libtorch loads, so that the same seed gives the same weights and a
// resumed run ends exactly where an uninterrupted one does (see docs/reliability.md).
PolicyGradient.Algorithms.ReproducibleBlas.Enable();

return PgApp.Run(args);
