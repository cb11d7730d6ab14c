"""Counts FLOPs (a multiply and an add each) instead of multiply-adds: twice too many."""


def conv_mult_adds(f_n, f_c, f_h, f_w, h_out, w_out):
    return 2 * f_n * f_c * f_h * f_w * h_out * w_out
