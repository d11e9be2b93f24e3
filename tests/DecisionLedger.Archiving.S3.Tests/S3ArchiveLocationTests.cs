namespace DecisionLedger.Archiving.S3.Tests;

public sealed class S3ArchiveLocationTests
{
    [Theory]
    [InlineData("s3://archive", "archive", "")]
    [InlineData("s3://archive/", "archive", "")]
    [InlineData("s3://archive/ledgers/fraud/", "archive", "ledgers/fraud")]
    [InlineData("S3://my.bucket-1/p", "my.bucket-1", "p")]
    public void Parse_BucketAndPrefix(string text, string bucket, string prefix)
    {
        S3ArchiveLocation location = S3ArchiveLocation.Parse(text);
        Assert.Equal(bucket, location.Bucket);
        Assert.Equal(prefix, location.Prefix);
    }

    [Theory]
    [InlineData("s3://", "names no bucket")]
    [InlineData("s3:///prefix", "names no bucket")]
    [InlineData("s3://Archive/p", "lowercase letters")]
    [InlineData("s3://ab/p", "3 to 63 characters")]
    [InlineData("s3://archive/a//b", "path segments")]
    [InlineData("s3://archive/../b", "path segments")]
    [InlineData("/var/archive", "not an S3 location")]
    public void Parse_Malformed_NamesTheFieldAndTheProblem(string text, string problem)
    {
        FormatException error = Assert.Throws<FormatException>(() => S3ArchiveLocation.Parse(text, "--to"));
        Assert.StartsWith("--to: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TakesTheEndpointFromAwsEndpointUrlS3_PathStyle()
    {
        string? saved = Environment.GetEnvironmentVariable(S3ClientFactory.ServiceEndpointVariable);
        Environment.SetEnvironmentVariable(S3ClientFactory.ServiceEndpointVariable, "http://127.0.0.1:4599");
        try
        {
            using S3ArchiveDestination destination = S3ArchiveDestination.Open("s3://archive/p");
            Assert.Equal("s3://archive/p", destination.Describe());
            var config = (Amazon.S3.AmazonS3Config)destination.Client.Config;
            Assert.True(config.ForcePathStyle);
            Assert.StartsWith("http://127.0.0.1:4599", config.ServiceURL, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(S3ClientFactory.ServiceEndpointVariable, saved);
        }
    }
}
