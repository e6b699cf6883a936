// LindynValidation: placeholder until the module lands.
