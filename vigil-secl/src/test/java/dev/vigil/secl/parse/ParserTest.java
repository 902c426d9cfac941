package dev.vigil.secl.parse;

import dev.vigil.secl.ast.Expr;
import dev.vigil.secl.ast.Pos;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParserTest {

    @Test
    void andBindsTighterThanOrAndBitwiseTighterThanComparison() {
        Expr e = Parser.parse("a == 1 || b == 2 && open.flags & O_CREAT > 0");
        assertThat(e).isInstanceOf(Expr.Logical.class);
        Expr.Logical or = (Expr.Logical) e;
        assertThat(or.op()).isEqualTo(Expr.LogicalOp.OR);
        Expr.Logical and = (Expr.Logical) or.right();
        Expr.Compare gt = (Expr.Compare) and.right();
        assertThat(gt.op()).isEqualTo(Expr.CompareOp.GT);
        assertThat(gt.left()).isInstanceOf(Expr.Bitwise.class);
    }

    @Test
    void literalsOfEveryKind() {
        Expr.ArrayLit list = (Expr.ArrayLit) ((Expr.Member) Parser.parse(
                "x in [\"a\\\"b\", ~\"/etc/*\", r\"^/tmp/.*\\.sh$\", 42, 0x1f, 04000, 30s, 10.0.0.0/8, ::1, fe80::/10, true, O_CREAT, -1]")).right();
        assertThat(list.elements()).extracting(Object::getClass).containsExactly(
                Expr.StringLit.class, Expr.PatternLit.class, Expr.RegexLit.class, Expr.IntLit.class, Expr.IntLit.class,
                Expr.IntLit.class, Expr.DurationLit.class, Expr.IpLit.class, Expr.IpLit.class, Expr.IpLit.class,
                Expr.BoolLit.class, Expr.Ident.class, Expr.Negate.class);
        assertThat(((Expr.StringLit) list.elements().get(0)).value()).isEqualTo("a\"b");
        assertThat(((Expr.RegexLit) list.elements().get(2)).regex()).isEqualTo("^/tmp/.*\\.sh$");
        assertThat(((Expr.IntLit) list.elements().get(4)).value()).isEqualTo(31);
        assertThat(((Expr.IntLit) list.elements().get(5)).value()).isEqualTo(04000);
        assertThat(((Expr.DurationLit) list.elements().get(6)).nanos()).isEqualTo(30_000_000_000L);
        assertThat(((Expr.IpLit) list.elements().get(9)).text()).isEqualTo("fe80::/10");
    }

    @Test
    void notInAllinAndKeywordOperators() {
        assertThat(((Expr.Member) Parser.parse("a not in [1]")).op()).isEqualTo(Expr.MemberOp.NOT_IN);
        assertThat(((Expr.Member) Parser.parse("a allin [1]")).op()).isEqualTo(Expr.MemberOp.ALLIN);
        assertThat(Parser.parse("not a and b or c")).isInstanceOf(Expr.Logical.class);
        assertThat(Parser.parse("!(a == 1)")).isInstanceOf(Expr.Not.class);
        assertThat(((Expr.VarRef) ((Expr.Compare) Parser.parse("${process.seen.length} >= 5")).left()).name())
                .isEqualTo("process.seen.length");
    }

    @Test
    void errorsNameLineColumnWhatWasFoundAndWhatWasExpected() {
        assertThatThrownBy(() -> Parser.parse("exec.file.name == \"sh\" &&"))
                .isInstanceOf(SeclSyntaxException.class)
                .hasMessage("line 1, column 26: expected an operand after '&&', found the end of the expression");
        assertThatThrownBy(() -> Parser.parse("exec.file.name = \"sh\""))
                .hasMessageContaining("line 1, column 16: '=' is not an operator: use '=='");
        assertThatThrownBy(() -> Parser.parse("exec.file.name in [\"a\", \"b\""))
                .hasMessageContaining("column 28: expected ',' or ']' to close the list opened at line 1, column 19");
        assertThatThrownBy(() -> Parser.parse("a == 1\n  && (b == 2"))
                .hasMessageContaining("line 2, column 13: expected ')' to close the '(' at line 2, column 6");
        assertThatThrownBy(() -> Parser.parse("a == \"unterminated"))
                .hasMessageContaining("line 1, column 6: the string is not closed");
        assertThatThrownBy(() -> Parser.parse("a b"))
                .hasMessageContaining("column 3: expected an operator such as '&&' or '||', found 'b'");
        assertThatThrownBy(() -> Parser.parse("   "))
                .hasMessageContaining("the expression is empty");
        SeclSyntaxException e = org.junit.jupiter.api.Assertions.assertThrows(SeclSyntaxException.class,
                () -> Parser.parse("a == 1 && ?"));
        assertThat(e.pos()).isEqualTo(new Pos(1, 11));
    }
}
