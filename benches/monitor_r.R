# R survey's side of benches/monitor_compare.py: svyby + svyciprop (xlogit) per wijk of one
# region for each question named, each wijk a domain of the whole design (strata, fpc). Prints "R survey ...: S s" and writes the last question's estimates and 95% limits.
#   Rscript benches/monitor_r.R MONITOR.csv RESULT.csv Q001,Q002 REGION
suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1], stringsAsFactors = FALSE)
questions <- strsplit(args[3], ",")[[1]]
# The region's wijken are the domains, of the whole design (not a subset of it).
data$wijk[data$stratum != args[4]] <- NA
design <- svydesign(ids = ~1, strata = ~stratum, weights = ~ewGGD, fpc = ~fpc, data = data)
elapsed <- system.time({
  for (q in questions) {
    estimates <- svyby(as.formula(paste0("~", q)), ~wijk, design, svyciprop,
                       method = "xlogit", vartype = "ci", na.rm = TRUE)
  }
})[["elapsed"]]
out <- data.frame(wijk = estimates$wijk, estimate = estimates[[q]],
                  lower = estimates$ci_l, upper = estimates$ci_u)
write.csv(out, args[2], row.names = FALSE)
cat(sprintf("R survey (svyby + svyciprop): %.2f s\n", elapsed))
