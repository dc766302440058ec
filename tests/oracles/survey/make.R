# Oracle for wijkprofiel::stats::survey: design-based means and proportions by R's `survey`
# package (Debian r-cran-survey), recorded so that CI needs no R.
#   Rscript tests/oracles/survey/make.R   (from the repository root)
# Writes respondents.csv (a synthetic stratified two-stage sample with weights and a finite
# population correction) and expected.csv (estimates per domain and design variant).
suppressPackageStartupMessages(library(survey))
options(digits = 17, survey.lonely.psu = "fail")
set.seed(20261206)
dir <- "tests/oracles/survey"

# Strata (gemeenten), PSUs within strata (wijken drawn), respondents within PSUs.
rows <- list()
for (h in 1:4) {
  n_psu <- c(3, 5, 2, 4)[h]
  for (c in 1:n_psu) {
    m <- sample(4:14, 1)
    area <- sprintf("WK%02d%02d", h, c)
    rows[[length(rows) + 1]] <- data.frame(
      stratum = h, psu = h * 100 + c, area = area,
      population = c(12, 20, 9, 15)[h],
      weight = round(runif(m, 20, 400), 3),
      lonely = (runif(m) < 0.15 + 0.1 * h),
      score = round(rnorm(m, 5 + h / 2, 2), 2),
      sex = sample(c("male", "female"), m, replace = TRUE)
    )
  }
}
resp <- do.call(rbind, rows)
resp$lonely <- as.integer(resp$lonely)
write.csv(resp, file.path(dir, "respondents.csv"), row.names = FALSE)

designs <- list(
  weights_only = svydesign(ids = ~1, weights = ~weight, data = resp),
  strata = svydesign(ids = ~1, strata = ~stratum, weights = ~weight, data = resp),
  clusters = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = resp),
  clusters_fpc = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
                           fpc = ~population, data = resp)
)
domains <- list(all = rep(TRUE, nrow(resp)), female = resp$sex == "female",
                stratum2 = resp$stratum == 2)
out <- list()
for (d in names(designs)) {
  for (dom in names(domains)) {
    sub <- subset(designs[[d]], domains[[dom]])
    for (y in c("lonely", "score")) {
      m <- svymean(as.formula(paste0("~", y)), sub)
      row <- data.frame(design = d, domain = dom, variable = y,
                        value = coef(m)[[1]], se = SE(m)[[1]], df = degf(sub),
                        wald_lower = confint(m)[1], wald_upper = confint(m)[2],
                        logit_lower = NA, logit_upper = NA)
      if (y == "lonely") {
        ci <- svyciprop(~lonely, sub, method = "xlogit")
        row$logit_lower <- attr(ci, "ci")[[1]]
        row$logit_upper <- attr(ci, "ci")[[2]]
      }
      out[[length(out) + 1]] <- row
    }
  }
}
expected <- do.call(rbind, out)
write.csv(format(expected, digits = 17), file.path(dir, "expected.csv"), row.names = FALSE, quote = FALSE)
cat("survey", as.character(packageVersion("survey")), ":", nrow(expected), "estimates\n")
