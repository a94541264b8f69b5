// Preprocessor helpers for the SDK's declaration macros (CF_PARAMS and friends).
#pragma once

#define CF_DETAIL_CAT_(a, b) a##b
#define CF_DETAIL_CAT(a, b) CF_DETAIL_CAT_(a, b)
#define CF_DETAIL_STR_(x) #x
#define CF_DETAIL_STR(x) CF_DETAIL_STR_(x)

// CF_DETAIL_FOR_EACH(m, ctx, a, b, c) expands to m(ctx, a) m(ctx, b) m(ctx, c); up to 64 items.
#define CF_DETAIL_EXPAND(...) __VA_ARGS__
#define CF_DETAIL_ARG_N(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18,     \
                        _19, _20, _21, _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, _33, _34, _35, \
                        _36, _37, _38, _39, _40, _41, _42, _43, _44, _45, _46, _47, _48, _49, _50, _51, _52, \
                        _53, _54, _55, _56, _57, _58, _59, _60, _61, _62, _63, _64, N, ...)                  \
  N
#define CF_DETAIL_COUNT(...)                                                                                \
  CF_DETAIL_EXPAND(CF_DETAIL_ARG_N(__VA_ARGS__, 64, 63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, \
                                   49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,  \
                                   31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14,  \
                                   13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1))
#define CF_DETAIL_FOR_EACH(m, ctx, ...) \
  CF_DETAIL_EXPAND(CF_DETAIL_CAT(CF_DETAIL_FE_, CF_DETAIL_COUNT(__VA_ARGS__))(m, ctx, __VA_ARGS__))
#define CF_DETAIL_FE_1(m, c, x) m(c, x)
#define CF_DETAIL_FE_2(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_1(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_3(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_2(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_4(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_3(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_5(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_4(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_6(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_5(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_7(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_6(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_8(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_7(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_9(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_8(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_10(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_9(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_11(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_10(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_12(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_11(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_13(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_12(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_14(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_13(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_15(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_14(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_16(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_15(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_17(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_16(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_18(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_17(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_19(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_18(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_20(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_19(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_21(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_20(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_22(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_21(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_23(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_22(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_24(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_23(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_25(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_24(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_26(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_25(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_27(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_26(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_28(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_27(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_29(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_28(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_30(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_29(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_31(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_30(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_32(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_31(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_33(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_32(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_34(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_33(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_35(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_34(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_36(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_35(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_37(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_36(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_38(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_37(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_39(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_38(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_40(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_39(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_41(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_40(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_42(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_41(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_43(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_42(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_44(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_43(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_45(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_44(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_46(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_45(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_47(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_46(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_48(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_47(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_49(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_48(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_50(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_49(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_51(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_50(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_52(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_51(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_53(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_52(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_54(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_53(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_55(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_54(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_56(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_55(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_57(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_56(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_58(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_57(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_59(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_58(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_60(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_59(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_61(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_60(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_62(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_61(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_63(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_62(m, c, __VA_ARGS__))
#define CF_DETAIL_FE_64(m, c, x, ...) m(c, x) CF_DETAIL_EXPAND(CF_DETAIL_FE_63(m, c, __VA_ARGS__))
