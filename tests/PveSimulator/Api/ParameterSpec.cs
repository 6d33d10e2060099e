using System.Text.RegularExpressions;

namespace PveSimulator.Api;

/// <summary>
/// One parameter an endpoint accepts besides its path parameters; <see cref="NamePattern"/> stands for a family
/// such as net0..net31.
/// </summary>
internal sealed record ParameterSpec(string Name, ParameterType Type, long? Minimum = null, IReadOnlyList<string>? AllowedValues = null)
{
    public Regex? NamePattern { get; init; }

    public bool Matches(string name) => NamePattern?.IsMatch(name) ?? Name == name;
}
