import { describe, expect, it } from 'vitest';
import {
  demandOf,
  FLAVOR_NAMES,
  FLAVORS,
  findFlavor,
  flavorsOfType,
  isRegion,
  REGIONS,
  resolveFlavor,
} from '../../../../functions/provisioning/domain/flavors.js';
import { ValidationError } from '../../../../shared/errors.js';

function validationIssues(action: () => unknown) {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
  throw new Error('expected a ValidationError');
}

describe('flavor catalog', () => {
  it.each([
    ['vm.small', 'vm', 1, 2, 0],
    ['vm.medium', 'vm', 2, 8, 0],
    ['vm.large', 'vm', 8, 32, 0],
    ['vm.test-fail', 'vm', 1, 2, 0],
    ['vm.test-hang', 'vm', 1, 2, 0],
    ['vol.standard-10', 'volume', 0, 0, 10],
    ['vol.standard-100', 'volume', 0, 0, 100],
  ])('%s is a %s of %i vCPU, %i GiB memory and %i GiB storage', (name, type, vcpu, memoryGiB, storageGiB) => {
    // Act
    const flavor = findFlavor(name);

    // Assess
    expect(flavor).toMatchObject({ name, type, vcpu, memoryGiB, storageGiB });
  });

  it('holds exactly the seven flavors of the brief', () => {
    // Assess
    expect([...FLAVOR_NAMES].sort()).toEqual([
      'vm.large',
      'vm.medium',
      'vm.small',
      'vm.test-fail',
      'vm.test-hang',
      'vol.standard-10',
      'vol.standard-100',
    ]);
  });

  it('prices every flavor as a positive whole number of micro-dollars per hour', () => {
    // Assess
    for (const flavor of Object.values(FLAVORS)) {
      expect(Number.isInteger(flavor.ratePerHourMicros)).toBe(true);
      expect(flavor.ratePerHourMicros).toBeGreaterThan(0);
    }
  });

  it('prices the test flavors as vm.small, whose size they have', () => {
    // Assess
    expect(findFlavor('vm.test-fail')?.ratePerHourMicros).toBe(findFlavor('vm.small')?.ratePerHourMicros);
    expect(findFlavor('vm.test-hang')?.ratePerHourMicros).toBe(findFlavor('vm.small')?.ratePerHourMicros);
  });

  it('prices bigger flavors higher', () => {
    // Assess
    const rate = (name: string) => findFlavor(name)?.ratePerHourMicros ?? 0;
    expect(rate('vm.small')).toBeLessThan(rate('vm.medium'));
    expect(rate('vm.medium')).toBeLessThan(rate('vm.large'));
    expect(rate('vol.standard-10')).toBeLessThan(rate('vol.standard-100'));
  });

  it('does not take inherited properties for flavors', () => {
    // Assess
    expect(findFlavor('toString')).toBeUndefined();
    expect(findFlavor('constructor')).toBeUndefined();
  });

  it('lists the flavors of each type', () => {
    // Assess
    expect(flavorsOfType('volume')).toEqual(['vol.standard-10', 'vol.standard-100']);
    expect(flavorsOfType('vm')).toEqual(['vm.small', 'vm.medium', 'vm.large', 'vm.test-fail', 'vm.test-hang']);
  });

  it('offers eu-west-1 and us-east-1 only', () => {
    // Assess
    expect(REGIONS).toEqual(['eu-west-1', 'us-east-1']);
    expect(isRegion('eu-west-1')).toBe(true);
    expect(isRegion('us-east-1')).toBe(true);
    expect(isRegion('eu-central-1')).toBe(false);
    expect(isRegion('')).toBe(false);
  });

  it('turns a flavor into the demand it puts on a quota', () => {
    // Assess
    expect(demandOf(FLAVORS['vm.medium'] ?? fail())).toEqual({ vcpu: 2, memoryGiB: 8, storageGiB: 0 });
    expect(demandOf(FLAVORS['vol.standard-100'] ?? fail())).toEqual({ vcpu: 0, memoryGiB: 0, storageGiB: 100 });
  });
});

describe('resolveFlavor', () => {
  it.each([
    ['vm', 'vm.large', 'us-east-1'],
    ['vm', 'vm.test-hang', 'eu-west-1'],
    ['volume', 'vol.standard-10', 'eu-west-1'],
  ])('accepts a %s of flavor %s in %s', (type, flavor, region) => {
    // Act
    const resolved = resolveFlavor({ type, flavor, region });

    // Assess
    expect(resolved.name).toBe(flavor);
    expect(resolved.type).toBe(type);
  });

  it('refuses an unknown flavor, naming the field and the flavors of the type', () => {
    // Act
    const issues = validationIssues(() => resolveFlavor({ type: 'vm', flavor: 'vm.huge', region: 'eu-west-1' }));

    // Assess
    expect(issues).toEqual([
      { path: 'flavor', message: 'unknown flavor; one of: vm.small, vm.medium, vm.large, vm.test-fail, vm.test-hang' },
    ]);
  });

  it('refuses a volume flavor for a VM, saying which type it is', () => {
    // Act
    const issues = validationIssues(() =>
      resolveFlavor({ type: 'vm', flavor: 'vol.standard-10', region: 'eu-west-1' }),
    );

    // Assess
    expect(issues).toEqual([
      {
        path: 'flavor',
        message: expect.stringContaining('vol.standard-10 is a volume flavor, not a vm one'),
      },
    ]);
  });

  it('refuses a VM flavor for a volume', () => {
    // Act
    const issues = validationIssues(() => resolveFlavor({ type: 'volume', flavor: 'vm.small', region: 'us-east-1' }));

    // Assess
    expect(issues).toEqual([
      { path: 'flavor', message: expect.stringContaining('one of: vol.standard-10, vol.standard-100') },
    ]);
  });

  it('refuses an unknown region, listing the regions', () => {
    // Act
    const issues = validationIssues(() => resolveFlavor({ type: 'vm', flavor: 'vm.small', region: 'mars-north-1' }));

    // Assess
    expect(issues).toEqual([{ path: 'region', message: 'unknown region; one of: eu-west-1, us-east-1' }]);
  });

  it('names every offending field at once', () => {
    // Act
    const issues = validationIssues(() => resolveFlavor({ type: 'disk', flavor: 'x', region: 'y' }));

    // Assess
    expect(issues).toEqual([
      { path: 'type', message: "must be 'vm' or 'volume'" },
      { path: 'flavor', message: expect.stringContaining('unknown flavor; one of: vm.small') },
      { path: 'region', message: expect.stringContaining('unknown region') },
    ]);
  });

  it('refuses an unknown type even with a known flavor', () => {
    // Act
    const issues = validationIssues(() => resolveFlavor({ type: 'disk', flavor: 'vm.small', region: 'eu-west-1' }));

    // Assess
    expect(issues).toEqual([{ path: 'type', message: "must be 'vm' or 'volume'" }]);
  });

  it('throws the 400 VALIDATION_FAILED error', () => {
    // Act
    const error = (() => {
      try {
        resolveFlavor({ type: 'vm', flavor: 'nope', region: 'eu-west-1' });
      } catch (caught) {
        return caught as ValidationError;
      }
    })();

    // Assess
    expect(error?.httpStatus).toBe(400);
    expect(error?.code).toBe('VALIDATION_FAILED');
    expect(error?.name).toBe('ValidationError');
  });
});

function fail(): never {
  throw new Error('missing flavor');
}

describe('test flavors, offered only where the stage offers test behaviour', () => {
  const request = { type: 'vm', flavor: 'vm.test-fail', region: 'eu-west-1' };

  it('accepts a test flavor where the stage offers them', () => {
    // Act
    const flavor = resolveFlavor(request, { testFlavors: true });

    // Assess
    expect(flavor.name).toBe('vm.test-fail');
  });

  it.each(['vm.test-fail', 'vm.test-hang'])(
    'refuses %s as unknown where they are not offered (production), and offers only the others',
    (name) => {
      // Act
      const issues = validationIssues(() => resolveFlavor({ ...request, flavor: name }, { testFlavors: false }));

      // Assess
      expect(issues).toEqual([{ path: 'flavor', message: 'unknown flavor; one of: vm.small, vm.medium, vm.large' }]);
    },
  );
});
