using FraudDetection.Training;

namespace FraudDetection.Api;

/// <summary>Checks a <see cref="TransactionRequest"/> and turns it into a model row.</summary>
internal static class TransactionRequestValidator
{
    /// <summary>Validates the request; every problem names its field and what to send instead.</summary>
    /// <param name="request">The bound body; null when the body was empty.</param>
    /// <param name="row">The model row when valid.</param>
    /// <returns>Problems by field name (camelCase, as in the JSON); empty when valid.</returns>
    public static Dictionary<string, string[]> Validate(TransactionRequest? request, out TransactionRow? row)
    {
        row = null;
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["required: send a JSON transaction object."];
            return errors;
        }

        if (string.IsNullOrWhiteSpace(request.CustomerId))
        {
            errors["customerId"] = ["required: send the cardholder's id as a non-empty string."];
        }

        Require(errors, FraudFeatures.Amount, request.Amount, static v => v >= 0 && double.IsFinite(v), "must be a number ≥ 0");
        Require(errors, FraudFeatures.Hour, request.Hour, static v => v is >= 0 and <= 23, "must be an integer from 0 to 23");
        Require(errors, FraudFeatures.DistanceFromHomeKm, request.DistanceFromHomeKm, static v => v >= 0 && double.IsFinite(v), "must be a number ≥ 0 (km)");
        Require(errors, FraudFeatures.CardPresent, request.CardPresent, static _ => true, "must be true or false");
        Require(errors, FraudFeatures.TransactionsLastHour, request.TransactionsLastHour, static v => v >= 0, "must be an integer ≥ 0");
        if (request.MerchantCategory is null)
        {
            errors[FraudFeatures.MerchantCategory] = [$"required: send one of {string.Join(", ", FraudFeatures.MerchantCategories)}."];
        }
        else if (!FraudFeatures.MerchantCategories.Contains(request.MerchantCategory))
        {
            errors[FraudFeatures.MerchantCategory] = [$"'{request.MerchantCategory}' is not a category the model knows; send one of {string.Join(", ", FraudFeatures.MerchantCategories)}."];
        }

        if (errors.Count == 0)
        {
            row = new TransactionRow
            {
                Amount = (float)request.Amount!.Value,
                MerchantCategory = request.MerchantCategory!,
                Hour = request.Hour!.Value,
                DistanceFromHomeKm = (float)request.DistanceFromHomeKm!.Value,
                CardPresent = request.CardPresent!.Value ? 1 : 0,
                TransactionsLastHour = request.TransactionsLastHour!.Value,
            };
        }

        return errors;
    }

    private static void Require<T>(Dictionary<string, string[]> errors, string field, T? value, Func<T, bool> isValid, string rule)
        where T : struct
    {
        if (value is null)
        {
            errors[field] = [$"required: {rule}."];
        }
        else if (!isValid(value.Value))
        {
            errors[field] = [$"{value.Value} is out of range: {rule}."];
        }
    }
}
