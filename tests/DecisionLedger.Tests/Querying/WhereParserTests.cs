using DecisionLedger.Querying;
using DecisionLedger.Storage;

namespace DecisionLedger.Tests.Querying;

public sealed class WhereParserTests
{
    [Theory]
    [InlineData("output.label = \"fraud\"", "output.label", WhereOperator.Equal, "\"fraud\"")]
    [InlineData("output.score>=0.9", "output.score", WhereOperator.GreaterOrEqual, "0.9")]
    [InlineData("  input.amount   >   1000  ", "input.amount", WhereOperator.Greater, "1000")]
    [InlineData("output.score < -1.5e-3", "output.score", WhereOperator.Less, "-1.5e-3")]
    [InlineData("output.rank <= 0", "output.rank", WhereOperator.LessOrEqual, "0")]
    [InlineData("output.label != \"legit\"", "output.label", WhereOperator.NotEqual, "\"legit\"")]
    [InlineData("output.flagged = true", "output.flagged", WhereOperator.Equal, "true")]
    [InlineData("output.flagged = false", "output.flagged", WhereOperator.Equal, "false")]
    [InlineData("output.note = null", "output.note", WhereOperator.Equal, "null")]
    [InlineData("metadata.endpoint contains \"/pre\"", "metadata.endpoint", WhereOperator.Contains, "\"/pre\"")]
    [InlineData("metadata.endpoint CONTAINS \"/pre\"", "metadata.endpoint", WhereOperator.Contains, "\"/pre\"")]
    [InlineData("explanation.attributions.amount exists", "explanation.attributions.amount", WhereOperator.Exists, "")]
    [InlineData("latencyMs > 20", "latencyMs", WhereOperator.Greater, "20")]
    [InlineData("model.pipelineVersion = \"prep-7\"", "model.pipelineVersion", WhereOperator.Equal, "\"prep-7\"")]
    [InlineData("input.merchant_id-2 = \"a\\\"b\"", "input.merchant_id-2", WhereOperator.Equal, "\"a\\u0022b\"")]
    public void Parse_OneClause_ReturnsTypedPredicate(string expression, string path, WhereOperator op, string json)
    {
        FieldPredicate predicate = Assert.Single(WhereParser.Parse(expression));

        Assert.Equal(path, predicate.Path.Text);
        Assert.Equal(op, predicate.Operator);
        Assert.Equal(json, predicate.Value.Json);
    }

    [Fact]
    public void Parse_AndClauses_ReturnsAllInOrder()
    {
        IReadOnlyList<FieldPredicate> predicates = WhereParser.Parse("output.label = \"fraud\" and output.score >= 0.9 AND input.amount > 1000");

        Assert.Equal(["output.label = \"fraud\"", "output.score >= 0.9", "input.amount > 1000"], predicates.Select(p => p.ToString()));
    }

    [Fact]
    public void Parse_Literals_CarryTypedValues()
    {
        IReadOnlyList<FieldPredicate> p = WhereParser.Parse("input.id = 9007199254740993 and output.score = 0.25 and output.label = \"fr\\u00e9\" and output.ok = true");

        Assert.Equal(WhereLiteralKind.Number, p[0].Value.Kind);
        Assert.Equal(9007199254740993L, p[0].Value.Integer);
        Assert.Null(p[1].Value.Integer);
        Assert.Equal(0.25, p[1].Value.Number);
        Assert.Equal("fré", p[2].Value.String);
        Assert.True(p[3].Value.Boolean);
    }

    [Fact]
    public void ParseAll_RepeatedExpressions_AreAndedAndNamedByPosition()
    {
        Assert.Equal(2, WhereParser.ParseAll(["output.a = 1", "output.b = 2"]).Count);

        WhereSyntaxException error = Assert.Throws<WhereSyntaxException>(() => WhereParser.ParseAll(["output.a = 1", "output.b == 2"]));

        Assert.Equal("--where #2: at column 10, expected an operator (=, !=, <, <=, >, >=, contains, exists) but found \"==\"; use = for equality", error.Message);
    }

    [Theory]
    [InlineData("output.score => 0.9", 14, "\"=>\"", "an operator (=, !=, <, <=, >, >=, contains, exists) but found \"=>\"; did you mean >=?")]
    [InlineData("output.score =< 0.9", 14, "\"=<\"", "an operator (=, !=, <, <=, >, >=, contains, exists) but found \"=<\"; did you mean <=?")]
    [InlineData("output.score <> 0.9", 14, "\"<>\"", "an operator (=, !=, <, <=, >, >=, contains, exists) but found \"<>\"; use != for inequality")]
    [InlineData("output.score !== 1", 14, "\"!==\"", "an operator (=, !=, <, <=, >, >=, contains, exists) but found \"!==\"")]
    [InlineData("output.score like \"x\"", 14, "\"like\"", "an operator (=, !=, <, <=, >, >=, contains, exists) but found \"like\"")]
    [InlineData("output.score", 13, "end of input", "an operator (=, !=, <, <=, >, >=, contains, exists) but found end of input")]
    [InlineData("output.score ~ 1", 14, "\"~\"", "an operator (=, !=, <, <=, >, >=, contains, exists) but found \"~\"")]
    [InlineData("", 1, "end of input", "a field path (input., output., explanation., metadata., model. or latencyMs) but found end of input")]
    [InlineData("   ", 4, "end of input", "a field path (input., output., explanation., metadata., model. or latencyMs) but found end of input")]
    [InlineData("= 1", 1, "\"=\"", "a field path (input., output., explanation., metadata., model. or latencyMs) but found \"=\"")]
    [InlineData("\"output.label\" = 1", 1, "\"output.label\"", "a field path (input., output., explanation., metadata., model. or latencyMs) but found \"output.label\"")]
    [InlineData("and = 1", 1, "\"and\"", "a field path (input., output., explanation., metadata., model. or latencyMs) but found \"and\"")]
    [InlineData("label = \"x\"", 1, "\"label\"", "a field path (input., output., explanation., metadata., model. or latencyMs) but found \"label\"; it must start with input., output., explanation., metadata., model. or latencyMs")]
    [InlineData("output = 1", 1, "\"output\"", "a field path (input., output., explanation., metadata., model. or latencyMs) but found \"output\"; name a field after \"output.\", e.g. output.label")]
    [InlineData("output..label = 1", 1, "\"output..label\"", "a field path (input., output., explanation., metadata., model. or latencyMs) but found \"output..label\"; it has an empty field name (two dots in a row, or a dot at the end)")]
    [InlineData("output.label. = 1", 1, "\"output.label.\"", "a field path (input., output., explanation., metadata., model. or latencyMs) but found \"output.label.\"; it has an empty field name (two dots in a row, or a dot at the end)")]
    [InlineData("output.1st = 1", 1, "\"output.1st\"", "a field path (input., output., explanation., metadata., model. or latencyMs) but found \"output.1st\"; the field name \"1st\" is not allowed; names are letters, digits, '_' and '-', start with a letter or '_', and are at most 64 characters")]
    [InlineData("latencyMs.x = 1", 1, "\"latencyMs.x\"", "a field path (input., output., explanation., metadata., model. or latencyMs) but found \"latencyMs.x\"; latencyMs is a number and has no fields")]
    [InlineData("output.a.b.c.d.e.f.g.h = 1", 1, "\"output.a.b.c.d.e.f.g.h\"", "a field path (input., output., explanation., metadata., model. or latencyMs) but found \"output.a.b.c.d.e.f.g.h\"; it has 9 names; at most 8 are allowed")]
    [InlineData("output.label = fraud", 16, "\"fraud\"", "a JSON value (a string in double quotes, a number, true, false or null) but found \"fraud\"; put text in double quotes, e.g. \"fraud\"")]
    [InlineData("output.label = 'fraud'", 16, "\"'\"", "a JSON value (a string in double quotes, a number, true, false or null) but found \"'\"")]
    [InlineData("output.label =", 15, "end of input", "a JSON value (a string in double quotes, a number, true, false or null) but found end of input")]
    [InlineData("output.score = 01", 16, "\"01\"", "a JSON value (a string in double quotes, a number, true, false or null) but found \"01\"; numbers are written as in JSON, e.g. 1000, -2.5 or 1e-3")]
    [InlineData("output.score = 1.", 16, "\"1.\"", "a JSON value (a string in double quotes, a number, true, false or null) but found \"1.\"; numbers are written as in JSON, e.g. 1000, -2.5 or 1e-3")]
    [InlineData("output.score = -", 16, "\"-\"", "a JSON value (a string in double quotes, a number, true, false or null) but found \"-\"; numbers are written as in JSON, e.g. 1000, -2.5 or 1e-3")]
    [InlineData("output.score = 1e999", 16, "\"1e999\"", "a finite number but found \"1e999\"")]
    [InlineData("output.score = TRUE", 16, "\"TRUE\"", "a JSON value (a string in double quotes, a number, true, false or null) but found \"TRUE\"; put text in double quotes, e.g. \"TRUE\"")]
    [InlineData("output.label = \"a\\qb\"", 16, "\"a\\qb\"", "a JSON string (escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX only, no raw control characters) but found \"a\\qb\"")]
    [InlineData("output.label = \"open", 21, "end of input", "a closing '\"' for the string that starts at column 16 but found end of input")]
    [InlineData("output.flag < true", 15, "\"true\"", "a number or a string after < but found \"true\"")]
    [InlineData("output.flag >= null", 16, "\"null\"", "a number or a string after >= but found \"null\"")]
    [InlineData("output.label contains 3", 23, "\"3\"", "a string in double quotes after contains but found \"3\"")]
    [InlineData("output.a = 1 output.b = 2", 14, "\"output.b\"", "\"and\" or the end of the expression but found \"output.b\"")]
    [InlineData("output.a = 1 or output.b = 2", 14, "\"or\"", "\"and\" or the end of the expression but found \"or\"; only \"and\" is supported; run one query per alternative")]
    [InlineData("output.a = 1 and", 17, "end of input", "a field path (input., output., explanation., metadata., model. or latencyMs) but found end of input")]
    [InlineData("output.a exists 1", 17, "\"1\"", "\"and\" or the end of the expression but found \"1\"")]
    [InlineData("output.a = 1;", 13, "\";\"", "\"and\" or the end of the expression but found \";\"")]
    [InlineData("output.label') OR 1=1 -- = 1", 13, "\"'\"", "an operator (=, !=, <, <=, >, >=, contains, exists) but found \"'\"")]
    public void Parse_Malformed_NamesColumnExpectationAndToken(string expression, int column, string found, string messageTail)
    {
        WhereSyntaxException error = Assert.Throws<WhereSyntaxException>(() => WhereParser.Parse(expression));

        Assert.Equal(column, error.Column);
        Assert.Equal(found, error.Found);
        Assert.Equal($"--where: at column {column}, expected {messageTail}", error.Message);
        Assert.Equal("--where", error.Parameter);
    }

    [Fact]
    public void Parse_TooLongOrTooManyClauses_IsRefused()
    {
        string many = string.Join(" and ", Enumerable.Range(0, WhereParser.MaxClauses + 1).Select(i => $"output.f{i} = {i}"));

        Assert.Contains("at most 32 clauses", Assert.Throws<WhereSyntaxException>(() => WhereParser.Parse(many)).Message, StringComparison.Ordinal);
        Assert.Contains("at most 4096 characters", Assert.Throws<WhereSyntaxException>(() => WhereParser.Parse(new string('x', 5000))).Message, StringComparison.Ordinal);
        Assert.Contains("at most 32 clauses over all expressions", Assert.Throws<WhereSyntaxException>(
            () => WhereParser.ParseAll(Enumerable.Range(0, 33).Select(i => $"output.f{i} = 1").ToArray())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ParameterName_IsUsedInMessages()
    {
        WhereSyntaxException error = Assert.Throws<WhereSyntaxException>(() => WhereParser.Parse("output.a", "where"));

        Assert.StartsWith("where: at column 9,", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("output.label", "$.\"output\".\"label\"")]
    [InlineData("input.merchant.country", "$.\"merchant\".\"country\"")]
    [InlineData("latencyMs", "$.\"latencyMs\"")]
    public void FieldPath_ToJsonPath_QuotesEveryName(string path, string json)
    {
        Assert.Equal(json, FieldPath.Parse(path).ToJsonPath());
    }

    [Theory]
    [InlineData("output.a\"b")]
    [InlineData("output.a'b")]
    [InlineData("output.a b")]
    [InlineData("output.a[0]")]
    [InlineData("output.$")]
    [InlineData("output.a;DROP")]
    public void FieldPath_Parse_RefusesAnythingOutsideTheGrammar(string path)
    {
        FormatException error = Assert.Throws<FormatException>(() => FieldPath.Parse(path));

        Assert.StartsWith($"field path \"{path}\":", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FieldPredicate_OperatorThatDoesNotFitValue_IsRefused()
    {
        FieldPath path = FieldPath.Parse("output.a");

        Assert.Throws<ArgumentException>(() => new FieldPredicate(path, WhereOperator.Less, WhereLiteral.FromBoolean(true)));
        Assert.Throws<ArgumentException>(() => new FieldPredicate(path, WhereOperator.Contains, WhereLiteral.FromNumber("1")));
        Assert.Throws<ArgumentException>(() => new FieldPredicate(path, WhereOperator.Exists, WhereLiteral.Null));
        Assert.Throws<ArgumentException>(() => new FieldPredicate(path, WhereOperator.Equal, WhereLiteral.None));
    }
}
