// LindynExpr: placeholder until the module lands.
