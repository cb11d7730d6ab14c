"""Every weight is used once per output position: conv_params (weights only) times h_out * w_out."""


def conv_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    return conv_params(f_n, f_c, f_h, f_w, bias=False) * h_out * w_out
