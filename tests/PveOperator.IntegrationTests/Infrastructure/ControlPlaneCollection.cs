namespace PveOperator.IntegrationTests.Infrastructure;

/// <summary>Every test class in this collection shares one control plane (and runs one at a time).</summary>
[CollectionDefinition(Name)]
public sealed class ControlPlaneCollection : ICollectionFixture<ControlPlaneFixture>
{
    public const string Name = "control plane";
}
