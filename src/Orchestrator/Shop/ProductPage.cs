using Orchestrator.Node.Downstream;

namespace Orchestrator.Node.Shop;

/// <summary>A product's page: its stock and its reviews, each a section that may degrade.</summary>
public sealed record ProductPage(string ProductId, bool Degraded, PageSection<StockLevel> Stock, PageSection<ReviewList> Reviews);
