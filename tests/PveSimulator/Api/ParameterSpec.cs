namespace PveSimulator.Api;

/// <summary>One parameter an endpoint accepts besides its path parameters.</summary>
internal sealed record ParameterSpec(string Name, ParameterType Type, long? Minimum = null, IReadOnlyList<string>? AllowedValues = null);
