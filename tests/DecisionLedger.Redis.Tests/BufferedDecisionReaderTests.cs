using System.Text;
using DecisionLedger.Records;
using DecisionLedger.Redis.Buffer;

namespace DecisionLedger.Redis.Tests;

public sealed class BufferedDecisionReaderTests
{
    private const string Full =
        "{\"requestId\":\"r-1\",\"timestamp\":\"2026-11-23T12:00:01.250001Z\"," +
        "\"model\":{\"name\":\"fraud_detector\",\"version\":\"3.2.1\",\"pipelineVersion\":\"prep-7\",\"artifactDigest\":\"sha256:9f86\",\"parameters\":{\"threshold\":0.85,\"deep\":{\"a\":[1,2,{\"b\":null}]}}}," +
        "\"input\":{\"amount\":120.5,\"contact\":\"[REDACTED:email]\",\"tags\":[\"x\",true,null],\"big\":1e300}," +
        "\"output\":{\"label\":\"fraud\",\"score\":0.93}," +
        "\"explanation\":{\"method\":\"feature-contribution\",\"baseValue\":0.1,\"attributions\":{\"amount\":0.42,\"merchant\":-0.05}}," +
        "\"actor\":{\"userId\":\"analyst_jane\",\"tenant\":\"emea\"},\"subject\":{\"id\":\"customer-1842\"},\"latencyMs\":23.5," +
        "\"metadata\":{\"endpoint\":\"/predict\"}}";

    [Theory]
    [InlineData(Full)]
    [InlineData("{\"requestId\":\"r-2\",\"timestamp\":\"2026-11-23T12:00:01.000000Z\",\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{},\"output\":{}}")]
    [InlineData("{\"requestId\":\"r-3\",\"timestamp\":\"2026-11-23T12:00:01.000000Z\",\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{\"a\":1},\"output\":{\"b\":2},\"explanation\":{\"method\":\"shap\"},\"actor\":{\"tenant\":\"t\"},\"subject\":{}}")]
    public void TryRead_WhatACollectorWrites_GivesTheParsersDecision(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);

        Assert.True(BufferedDecisionReader.TryRead(bytes, out Decision? fast));

        Decision parsed = DecisionParser.Default.Parse(bytes);
        Assert.Equal(DecisionJson.SerializeToString(parsed), DecisionJson.SerializeToString(fast));
        Assert.Equal(parsed.Timestamp, fast.Timestamp);
        Assert.Equal(parsed.Timestamp!.Value.Offset, fast.Timestamp!.Value.Offset);
    }

    [Fact]
    public void TryRead_ARoundTripThroughDecisionJson_KeepsEveryField()
    {
        Decision original = DecisionParser.Default.Parse(Encoding.UTF8.GetBytes(Full));
        byte[] written = DecisionJson.Serialize(original);

        Assert.True(BufferedDecisionReader.TryRead(written, out Decision? read));
        Assert.Equal(Encoding.UTF8.GetString(written), DecisionJson.SerializeToString(read));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1]")]
    [InlineData("{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{},\"output\":{},\"extra\":1}")]
    [InlineData("{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{},\"output\":{},\"actor\":null}")]
    [InlineData("{\"model\":{\"name\":\"m\",\"version\":\" \"},\"input\":{},\"output\":{}}")]
    [InlineData("{\"model\":{\"name\":\"m\"},\"input\":{},\"output\":{}}")]
    [InlineData("{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":[],\"output\":{}}")]
    [InlineData("{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{\"a\":1,\"a\":2},\"output\":{}}")]
    [InlineData("{\"timestamp\":\"2026-11-23T13:00:01+01:00\",\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{},\"output\":{}}")]
    [InlineData("{\"model\":{\"name\":\"m\",\"version\":\"1\"},\"input\":{},\"output\":{},\"explanation\":{\"attributions\":{\"a\":\"x\"}}}")]
    public void TryRead_AnythingElse_LeavesItToTheFullParser(string json)
    {
        Assert.False(BufferedDecisionReader.TryRead(Encoding.UTF8.GetBytes(json), out Decision? decision));
        Assert.Null(decision);
    }
}
