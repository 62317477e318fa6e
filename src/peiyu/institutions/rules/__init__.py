"""Pure rules of the directory: forms (SEL-12), eligibility (SEL-1…6, SEL-11, DIR-3, EVL-9), listings
(DIR-1…4) and expert draws (SEL-8)."""
