// LindynTheory: placeholder until the module lands.
