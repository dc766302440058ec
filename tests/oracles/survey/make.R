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
# Strata with a single PSU: stratum 3's two PSUs split into strata 3 and 5.
resp$stratum_lonely <- ifelse(resp$psu == 302, 5, resp$stratum)
write.csv(resp, file.path(dir, "respondents.csv"), row.names = FALSE)

designs <- list(
  weights_only = svydesign(ids = ~1, weights = ~weight, data = resp),
  strata = svydesign(ids = ~1, strata = ~stratum, weights = ~weight, data = resp),
  clusters = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = resp),
  clusters_fpc = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
                           fpc = ~population, data = resp)
)
# survey reads the lonely-PSU option when it computes a variance.
lonely <- c("certainty", "remove", "adjust", "average")
for (option in lonely) {
  designs[[paste0("lonely_", option)]] <- svydesign(
    ids = ~psu, strata = ~stratum_lonely, weights = ~weight, fpc = ~population, data = resp)
}
domains <- list(all = rep(TRUE, nrow(resp)), female = resp$sex == "female",
                stratum2 = resp$stratum == 2)
out <- list()
for (d in names(designs)) {
  options(survey.lonely.psu = if (startsWith(d, "lonely_")) sub("lonely_", "", d) else "fail")
  for (dom in names(domains)) {
    sub <- subset(designs[[d]], domains[[dom]])
    for (y in c("lonely", "score")) {
      m <- svymean(as.formula(paste0("~", y)), sub, deff = TRUE)
      row <- data.frame(design = d, domain = dom, variable = y,
                        value = coef(m)[[1]], se = SE(m)[[1]], df = degf(sub),
                        deff = deff(m)[[1]],
                        wald_lower = confint(m)[1], wald_upper = confint(m)[2],
                        logit_lower = NA, logit_upper = NA, kg_lower = NA, kg_upper = NA)
      if (y == "lonely") {
        ci <- svyciprop(~lonely, sub, method = "xlogit")
        row$logit_lower <- attr(ci, "ci")[[1]]
        row$logit_upper <- attr(ci, "ci")[[2]]
        kg <- svyciprop(~lonely, sub, method = "beta")
        row$kg_lower <- attr(kg, "ci")[[1]]
        row$kg_upper <- attr(kg, "ci")[[2]]
      }
      out[[length(out) + 1]] <- row
    }
  }
}
expected <- do.call(rbind, out)
write.csv(format(expected, digits = 17), file.path(dir, "expected.csv"), row.names = FALSE, quote = FALSE)
cat("survey", as.character(packageVersion("survey")), ":", nrow(expected), "estimates\n")

# Rest-of-reference contrasts: a domain A against the rest of a reference P (A within P), as
# svyby(covmat = TRUE) + svycontrast on the subset to P; degrees of freedom of that subset.
comparisons <- list(
  stratum2_vs_all = list(a = resp$stratum == 2, p = rep(TRUE, nrow(resp))),
  female_vs_all = list(a = resp$sex == "female", p = rep(TRUE, nrow(resp))),
  female_in_stratum2 = list(a = resp$stratum == 2 & resp$sex == "female", p = resp$stratum == 2)
)
out <- list()
for (d in names(designs)) {
  options(survey.lonely.psu = if (startsWith(d, "lonely_")) sub("lonely_", "", d) else "fail")
  for (cmp in names(comparisons)) {
    des <- update(designs[[d]], a = as.integer(comparisons[[cmp]]$a))
    inside <- subset(des, comparisons[[cmp]]$p)
    for (y in c("lonely", "score")) {
      b <- svyby(as.formula(paste0("~", y)), ~a, inside, svymean, covmat = TRUE)
      ct <- svycontrast(b, c(-1, 1))
      out[[length(out) + 1]] <- data.frame(design = d, comparison = cmp, variable = y,
                                          difference = coef(ct)[[1]], se = SE(ct)[[1]],
                                          df = degf(inside),
                                          p_value = 2 * pt(-abs(coef(ct)[[1]] / SE(ct)[[1]]),
                                                           degf(inside)))
    }
  }
}
contrasts <- do.call(rbind, out)
write.csv(format(contrasts, digits = 17), file.path(dir, "contrasts.csv"), row.names = FALSE, quote = FALSE)
cat("survey", as.character(packageVersion("survey")), ":", nrow(contrasts), "contrasts\n")

# Rao-Scott tests of association (svychisq): second order (F) and first order (Chisq).
resp$scorecat <- cut(resp$score, c(-Inf, 4.5, 6.5, Inf), labels = c("low", "mid", "high"))
write.csv(resp, file.path(dir, "respondents.csv"), row.names = FALSE)
designs <- lapply(designs, function(d) update(d, scorecat = resp$scorecat))
tables <- list(lonely_sex = ~lonely + sex, lonely_stratum = ~lonely + stratum,
               scorecat_sex = ~scorecat + sex)
out <- list()
for (d in names(designs)) {
  options(survey.lonely.psu = if (startsWith(d, "lonely_")) sub("lonely_", "", d) else "fail")
  for (tb in names(tables)) {
    f <- svychisq(tables[[tb]], designs[[d]], statistic = "F")
    x <- svychisq(tables[[tb]], designs[[d]], statistic = "Chisq")
    out[[length(out) + 1]] <- data.frame(design = d, table = tb, pearson = x$statistic[[1]],
                                        f = f$statistic[[1]], ndf = f$parameter[[1]],
                                        ddf = f$parameter[[2]], p_f = f$p.value,
                                        p_chisq = x$p.value)
  }
}
associations <- do.call(rbind, out)
write.csv(format(associations, digits = 17), file.path(dir, "associations.csv"), row.names = FALSE, quote = FALSE)
cat("survey", as.character(packageVersion("survey")), ":", nrow(associations), "associations\n")

# Round against round: a second, independent sample of the same design (round 2), stacked with
# the first; strata crossed with the round, so that the rounds are independent. Each domain's
# round 2 minus round 1, as svyby over the rounds + svycontrast, df of the domain's subset.
rows <- list()
for (h in 1:4) {
  for (c in 1:c(3, 5, 2, 4)[h]) {
    m <- sample(4:14, 1)
    rows[[length(rows) + 1]] <- data.frame(
      stratum = h, psu = h * 100 + c, population = c(12, 20, 9, 15)[h],
      weight = round(runif(m, 20, 400), 3), lonely = as.integer(runif(m) < 0.25 + 0.1 * h),
      sex = sample(c("male", "female"), m, replace = TRUE))
  }
}
second <- do.call(rbind, rows)
both <- rbind(cbind(round = 1, resp[, names(second)]), cbind(round = 2, second))
write.csv(both, file.path(dir, "rounds.csv"), row.names = FALSE)
stacked <- list(
  weights_only = svydesign(ids = ~1, strata = ~round, weights = ~weight, data = both),
  clusters_fpc = svydesign(ids = ~psu, strata = ~interaction(round, stratum), weights = ~weight,
                           fpc = ~population, data = both, nest = TRUE))
out <- list()
options(survey.lonely.psu = "fail")
for (d in names(stacked)) {
  for (dom in c("all", "female")) {
    inside <- if (dom == "all") stacked[[d]] else subset(stacked[[d]], sex == "female")
    b <- svyby(~lonely, ~round, inside, svymean, covmat = TRUE)
    ct <- svycontrast(b, c(-1, 1))
    out[[length(out) + 1]] <- data.frame(design = d, domain = dom,
                                        difference = coef(ct)[[1]], se = SE(ct)[[1]],
                                        df = degf(inside),
                                        p_value = 2 * pt(-abs(coef(ct)[[1]] / SE(ct)[[1]]),
                                                         degf(inside)))
  }
}
changes <- do.call(rbind, out)
write.csv(format(changes, digits = 17), file.path(dir, "changes.csv"), row.names = FALSE, quote = FALSE)
cat("survey", as.character(packageVersion("survey")), ":", nrow(changes), "changes between rounds\n")
