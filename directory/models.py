from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A division, precinct or bureau. Every employee belongs to one."""

    class Kind(models.TextChoices):
        PRECINCT = "precinct", _("Precinct")
        DIVISION = "division", _("Division")
        BUREAU = "bureau", _("Bureau")
        OFFICE = "office", _("Office")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PRECINCT)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    """Where something happened: the unincorporated county, or a municipality, school district
    or other entity that contracts with the department, with the unit that serves it."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("Unincorporated county")
        MUNICIPALITY = "municipality", _("Contract municipality")
        SCHOOL_DISTRICT = "school_district", _("School district")
        OTHER = "other", _("Other contract partner")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(
        Unit, verbose_name=_("serving unit"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")

    def __str__(self) -> str:
        return self.name


class Employee(models.Model):
    """A member of the department, as the HR roster knows them. Never deleted: cases point at
    employees long after they leave, so leaving sets `active` to False."""

    dsn = models.CharField(_("DSN / badge number"), max_length=20, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    rank = models.CharField(_("rank"), max_length=60, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="employees"
    )
    email = models.EmailField(_("email"), blank=True)
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    car_number = models.CharField(_("car number"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("pk")), name="employee_not_own_supervisor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rank} {self.first_name} {self.last_name} ({self.dsn})".strip()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def supervisor_chain(self) -> list["Employee"]:
        """Supervisor, their supervisor, and so on up; stops at a loop HR data may contain."""
        chain, seen, current = [], {self.pk}, self.supervisor
        while current is not None and current.pk not in seen:
            chain.append(current)
            seen.add(current.pk)
            current = current.supervisor
        return chain
