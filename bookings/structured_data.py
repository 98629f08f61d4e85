"""schema.org data for search engines: therapists as Person, services as Service with an Offer.

The clinic itself is the LocalBusiness on the home page (`clinic.views`), referred to here by
its @id."""

from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from clinic.seo import absolute_url, json_ld

from .models import Service, Therapist
from .templatetags.pictures import headshot_of


def clinic_ref() -> dict:
    return {
        "@type": "HealthAndBeautyBusiness",
        "@id": settings.SITE_URL + "/#clinic",
        "name": settings.CLINIC["name"],
        "url": settings.SITE_URL + "/",
    }


def therapist_json_ld(therapist: Therapist, *, services: list[Service]) -> SafeString:
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": therapist.name,
        "jobTitle": str(_("Licensed massage therapist")),
        "url": absolute_url(therapist.get_absolute_url()),
        "description": therapist.paragraphs[0] if therapist.paragraphs else "",
        "worksFor": clinic_ref(),
        "hasCredential": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "license",
            "name": therapist.credentials,
        },
        "knowsAbout": therapist.technique_list,
        "makesOffer": [
            {
                "@type": "Offer",
                "itemOffered": {"@type": "Service", "name": f"{s.name}, {s.duration} minutes"},
                "price": f"{s.price:.2f}",
                "priceCurrency": "USD",
                "url": absolute_url(s.get_absolute_url()),
            }
            for s in services
        ],
    }
    headshot = headshot_of(therapist)
    if headshot is not None:
        data["image"] = absolute_url(headshot.src)
    return json_ld(data)


def service_json_ld(service: Service) -> SafeString:
    url = absolute_url(service.get_absolute_url())
    return json_ld(
        {
            "@context": "https://schema.org",
            "@type": "Service",
            "name": service.name,
            "serviceType": service.get_kind_display(),
            "description": service.summary,
            "url": url,
            "provider": clinic_ref(),
            "areaServed": {"@type": "City", "name": f"{settings.CLINIC['city']}, MT"},
            "offers": {
                "@type": "Offer",
                "price": f"{service.price:.2f}",
                "priceCurrency": "USD",
                "url": url,
                "availability": "https://schema.org/InStock",
                "eligibleDuration": {
                    "@type": "QuantitativeValue",
                    "value": service.duration,
                    "unitCode": "MIN",
                },
            },
        }
    )
