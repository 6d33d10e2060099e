namespace PveSimulator.Model;

/// <summary>One error-rate rule of <see cref="FaultInjection"/>; null method or template matches any.</summary>
internal sealed record ErrorRateRule(string? Method, string? Template, double Rate, int StatusCode, string ReasonPhrase)
{
    public int Specificity => (Method is null ? 0 : 1) + (Template is null ? 0 : 2);

    /// <summary>pveproxy's pseudo-statuses (595+) carry their text only in the reason phrase, with an empty body.</summary>
    public bool IsProxyError => StatusCode >= 595;
}
