package org.rockstat.band.examples.uaparser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Python's str rules, checked against what CPython 3.11.7 printed for them. */
class PythonTextTest {
    @Test
    void whitespaceIsPythonsSet() {
        // [hex(c) for c in range(0x110000) if chr(c).isspace()]
        List<Integer> python = List.of(
                0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
                0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000);
        List<Integer> java = new ArrayList<>();
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            if (PythonText.isSpace(c)) {
                java.add(c);
            }
        }
        assertThat(java).isEqualTo(python);
        assertThat(PythonText.strip("\u00a0 Nokia N8\u001c ")).isEqualTo("Nokia N8");
    }

    @Test
    void digitsAsIsdigitAndIntSeeThem() {
        assertThat(PythonText.isDigit("0012")).isTrue();
        assertThat(PythonText.toInt("0012")).isEqualTo(12);
        assertThat(PythonText.toInt("\u0663\u0664")).isEqualTo(34); // Arabic-Indic, int() reads them
        assertThat(PythonText.toInt("2147483648")).isEqualTo(2147483648L);
        assertThat(PythonText.toInt("123456789012345678901234")).isEqualTo(new BigInteger("123456789012345678901234"));
        assertThat(PythonText.isDigit("")).isFalse();
        assertThat(PythonText.isDigit("1a")).isFalse();
        assertThat(PythonText.isDigit("-1")).isFalse();
        assertThat(PythonText.isDigit("\u00bd")).isFalse(); // ½ is numeric, not a digit
        assertThat(PythonText.isDigit("\u00b2")).isTrue();
        assertThat(PythonText.isDigit("\u2460")).isTrue(); // ①
        assertThatThrownBy(() -> PythonText.toInt("\u00b2")).isInstanceOf(NumberFormatException.class);
    }
}
