using System.ComponentModel;
using System.Text.Json.Serialization;
using PveOperator.Entities;

namespace PveOperator.Tests.Crds.Probes;

[Description("A rule with every optional part.")]
[ValidationRule("self.low <= self.high", "low must not exceed high",
    MessageExpression = "'low ' + string(self.low) + ' exceeds high'", FieldPath = ".low", Reason = ValidationReason.FieldValueForbidden)]
internal sealed class RuleProbeSpec
{
    [Description("Low.")]
    [JsonPropertyName("low")]
    public int Low { get; set; }

    [Description("High.")]
    [JsonPropertyName("high")]
    public int High { get; set; }
}
