using Microsoft.Extensions.Options;

namespace DecisionLedger.Redis.Capture;

/// <summary>Checks <see cref="RedisBufferOptions"/> when the host starts (ValidateOnStart), with the message of <see cref="RedisBufferOptions.Validate"/>.</summary>
internal sealed class RedisBufferOptionsValidator : IValidateOptions<RedisBufferOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisBufferOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
