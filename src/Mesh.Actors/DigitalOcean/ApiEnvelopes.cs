namespace Mesh.Actors.DigitalOcean;

// The API wraps one object as {"<singular>": {...}} and a collection as {"<plural>": [...], "links", "meta"}.

internal sealed record AccountEnvelope(Account? Account);

internal sealed record DomainRecordEnvelope(DomainRecord? DomainRecord);

internal sealed record DomainRecordPage(IReadOnlyList<DomainRecord>? DomainRecords, PageLinks? Links) : IPage<DomainRecord>
{
    public IReadOnlyList<DomainRecord>? Items => DomainRecords;
}

internal sealed record LoadBalancerEnvelope(LoadBalancer? LoadBalancer);

internal sealed record DropletEnvelope(Droplet? Droplet);

internal sealed record DropletPage(IReadOnlyList<Droplet>? Droplets, PageLinks? Links) : IPage<Droplet>
{
    public IReadOnlyList<Droplet>? Items => Droplets;
}

internal sealed record ActionEnvelope(DigitalOceanAction? Action);

internal interface IPage<T>
{
    IReadOnlyList<T>? Items { get; }
    PageLinks? Links { get; }
}

internal sealed record PageLinks(PageUrls? Pages);

/// <summary>Absolute URLs of neighbouring pages; a link that makes no sense is absent.</summary>
internal sealed record PageUrls(string? Next);

internal sealed record ApiError(string? Id, string? Message, string? RequestId);
